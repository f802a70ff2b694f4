"""Helpers for the documents and comments tests: small files of each accepted type."""
from __future__ import annotations

import io
import zipfile

from caseflow.documents.minipdf import text_pdf


def zip_of(**members: bytes) -> bytes:
    """A zip archive holding `members` (name -> bytes); '__' in a name stands for '/'."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name.replace("__", "/"), content)
    return buffer.getvalue()


PDF = text_pdf(["Programme cooperation agreement", "Signed by both parties."])
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
DOCX = zip_of(**{"word__document.xml": b"<w:document/>", "[Content_Types].xml": b"<Types/>"})
XLSX = zip_of(**{"xl__workbook.xml": b"<workbook/>", "[Content_Types].xml": b"<Types/>"})
ODT = zip_of(mimetype=b"application/vnd.oasis.opendocument.text", **{"content.xml": b"<office:document-content/>"})
