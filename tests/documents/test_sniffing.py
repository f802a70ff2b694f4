"""A file is accepted for what its bytes are, and only when its name says the same."""
from __future__ import annotations

import pytest

from caseflow.documents.minipdf import text_pdf
from caseflow.documents.sniff import sniff
from caseflow.documents.store import DocumentRejected, check_upload, clean_filename
from tests.documents.conftest import DOCX, JPEG, ODT, PDF, PNG, XLSX, zip_of


@pytest.mark.parametrize("content, kind", [
    (PDF, "pdf"), (PNG, "png"), (JPEG, "jpeg"), (DOCX, "docx"), (XLSX, "xlsx"), (ODT, "odt"),
    ("name,amount\nPlan,12\n".encode(), "text"), ("Notes in Français\n".encode("utf-8-sig"), "text"),
])
def test_each_accepted_type_is_recognised_by_its_content(content, kind):
    assert sniff(content) == kind


@pytest.mark.parametrize("content", [
    b"MZ\x90\x00\x03\x00\x00\x00", b"\x00\x01\x02binary", zip_of(**{"random.bin": b"x"}), "Caf\xe9".encode("latin-1"),
    b"GIF89a\x01\x00", b"",
])
def test_anything_else_is_not_recognised(content):
    assert sniff(content) is None


def test_the_generated_agreement_is_a_well_formed_pdf():
    content = text_pdf(["Agreement (PCA/2026/001)", "Signed."])
    assert content.startswith(b"%PDF-1.4") and content.rstrip().endswith(b"%%EOF")
    xref = int(content.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert content[xref:].startswith(b"xref")
    assert b"\\(PCA/2026/001\\)" in content


def test_a_file_named_like_a_pdf_must_be_one(app):
    with pytest.raises(DocumentRejected, match="named like a PDF but its content is a PNG image"):
        check_upload("signed_agreement", "agreement.pdf", PNG)


def test_an_extension_outside_the_allow_list_is_refused_even_with_good_content(app):
    with pytest.raises(DocumentRejected, match=r"Files of type '\.html' are not accepted"):
        check_upload("other", "page.html", b"<p>hello</p>")


def test_a_users_filename_never_carries_a_path():
    assert clean_filename("../../etc/passwd.txt") == "passwd.txt"
    assert clean_filename("C:\\Users\\amina\\Agreement.pdf") == "Agreement.pdf"
    assert clean_filename("bad\x00name\n.pdf") == "badname.pdf"
    assert len(clean_filename("a" * 400 + ".pdf")) == 255
