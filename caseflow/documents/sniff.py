"""Tell a file's real type from its first bytes, not from its name or the browser's word for it."""
from __future__ import annotations

import io
import zipfile

# Extension -> (content type, sniffed kind). The extension must agree with what the bytes are.
ALLOWED = {
    ".pdf": ("application/pdf", "pdf"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    ".odt": ("application/vnd.oasis.opendocument.text", "odt"),
    ".png": ("image/png", "png"),
    ".jpg": ("image/jpeg", "jpeg"),
    ".jpeg": ("image/jpeg", "jpeg"),
    ".txt": ("text/plain; charset=utf-8", "text"),
    ".csv": ("text/csv; charset=utf-8", "text"),
}
KIND_LABELS = {"pdf": "a PDF", "docx": "a Word document (DOCX)", "xlsx": "an Excel workbook (XLSX)",
               "odt": "an OpenDocument text (ODT)", "png": "a PNG image", "jpeg": "a JPEG image",
               "text": "plain text or CSV (UTF-8)"}
_ZIP_MARKERS = (("docx", "word/document.xml"), ("xlsx", "xl/workbook.xml"))


def _zip_kind(content: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == b"application/vnd.oasis.opendocument.text":
                return "odt"
            return next((kind for kind, marker in _ZIP_MARKERS if marker in names), None)
    except (zipfile.BadZipFile, OSError, KeyError):
        return None


def _is_text(content: bytes) -> bool:
    if b"\x00" in content:
        return False
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f")
    return controls == 0


def sniff(content: bytes) -> str | None:
    """The kind of file `content` is (one of KIND_LABELS), or None when it is none of them."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if content.startswith(b"PK\x03\x04"):
        return _zip_kind(content)
    if content and _is_text(content):
        return "text"
    return None
