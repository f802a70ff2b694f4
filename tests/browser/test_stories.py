"""Stories in a real browser: a partnership proposed, vetted, agreed, activated and reviewed; an auditor reads it."""
from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from caseflow.documents.minipdf import text_pdf
from tests.browser.conftest import shoot


def _propose(page) -> str:
    page.click("text=Propose a partnership")
    page.fill("#partner_name", "Plan International")
    page.select_option("#partner_type", "international_ngo")
    page.fill("#partner_country", "Liberia")
    page.select_option("#partner_level", "global")
    page.fill("#title", "Birth registration in Liberia")
    page.fill("#objectives", "Register every child.")
    page.fill("#results_for_children", "Children hold birth certificates.")
    page.select_option("#cooperation_form", "formal_partnership")
    page.select_option("#resources", "cash")
    page.fill("#amount", "9000")
    page.fill("#currency", "USD")
    page.fill("#office", "Monrovia")
    start = dt.date.today()  # a proposal starts from today on
    page.fill("#proposed_start", start.isoformat())
    page.fill("#proposed_end", (start + dt.timedelta(days=730)).isoformat())
    shoot(page, "propose-form")
    page.click("button:has-text('Propose')")
    expect(page.locator("#case-state")).to_have_text("Proposed")
    return page.url


def test_a_partnership_from_proposal_to_review_and_an_auditor_reading_it(browse):
    officer = browse("officer")
    shoot(officer, "dashboard")
    officer.click("nav >> text=My cases")
    case_url = _propose(officer)
    shoot(officer, "case-proposed")

    reviewer = browse("reviewer")
    reviewer.goto(case_url)
    reviewer.click("#case-actions >> text=Vet")
    for box in ("#commitment_to_values", "#good_governance", "#no_breach_of_norms"):
        reviewer.check(box)
    reviewer.select_option("#reputational_risk", "low")
    reviewer.fill("#capacity_assessment", "Audited accounts; field presence.")
    shoot(reviewer, "vet-form")
    reviewer.click("main form button[type=submit]")
    expect(reviewer.locator("#case-state")).to_have_text("Vetted")

    officer.goto(case_url)
    # Funds are transferred, so the signed agreement is attached before the agreement is recorded.
    officer.select_option("#document-kind", "signed_agreement")
    officer.set_input_files("#document-file", {"name": "PCA-2026-001-signed.pdf", "mimeType": "application/pdf",
                                               "buffer": text_pdf(["PCA/2026/001", "Signed by both parties."])})
    officer.click("#documents button[type=submit]")
    expect(officer.locator("#documents")).to_contain_text("PCA-2026-001-signed.pdf")
    officer.click("#case-actions >> text=Record the agreement")
    officer.fill("#agreement_reference", "")
    officer.select_option("#agreement_type", "pca")
    for field, value in (("#contributions", "Funds and expertise."), ("#roles_responsibilities", "Partner implements."),
                         ("#operational_targets", "100,000 registrations a quarter."),
                         ("#monitoring_arrangement", "Quarterly reports."), ("#review_interval_months", "3"),
                         ("#exit_conditions", "Not continued if targets are missed twice.")):
        officer.fill(field, value)
    officer.click("main form button[type=submit]")
    expect(officer.locator("#problems")).to_contain_text("A written agreement is required")
    shoot(officer, "agree-refused")
    officer.fill("#agreement_reference", "PCA/2026/001")
    officer.fill("#agreement_signed_on", dt.date.today().isoformat())
    officer.click("main form button[type=submit]")
    expect(officer.locator("#case-state")).to_have_text("Agreed")
    officer.click("#case-actions >> text=Activate")
    officer.fill("#actual_start", dt.date.today().isoformat())
    officer.click("main form button[type=submit]")
    expect(officer.locator("#case-state")).to_have_text("Active")
    officer.click("#case-actions >> text=Start a review")
    officer.fill("#reason", "Ad hoc check after the flood.")
    officer.click("main form button[type=submit]")
    expect(officer.locator("#case-state")).to_have_text("Under review")

    reviewer.click("nav >> text=Queue")
    shoot(reviewer, "queue")
    reviewer.click("#queue >> text=Complete the review")
    reviewer.select_option("#progress", "on_track")
    reviewer.fill("#results", "On target.")
    reviewer.fill("#costs_benefits", "Within budget.")
    reviewer.fill("#recommendation", "Continue.")
    reviewer.click("main form button[type=submit]")
    expect(reviewer.locator("#case-state")).to_have_text("Active")
    shoot(reviewer, "case-active")

    auditor = browse("auditor")
    auditor.goto(case_url)
    expect(auditor.locator("#timeline > li")).to_have_count(6)
    expect(auditor.locator("#timeline")).to_contain_text("PCA/2026/001")
    expect(auditor.locator("[data-trigger]")).to_have_count(0)
    expect(auditor.locator("#case-actions")).to_contain_text("its steps are for officers and reviewers")
    shoot(auditor, "case-auditor")
    auditor.click("nav >> text=Cases")
    expect(auditor.locator("#case-total")).to_have_text("1")
    shoot(auditor, "cases")
    auditor.click("nav >> text=Partners")
    shoot(auditor, "partners")


def test_the_inbox_and_the_admin_pages_work_without_inline_script(browse):
    reviewer = browse("reviewer")
    errors = []
    reviewer.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    reviewer.click("#nav-notifications")
    expect(reviewer.locator("h1")).to_have_text("Notifications")
    shoot(reviewer, "notifications")
    admin = browse("admin")
    admin.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    admin.reload()
    admin.click("nav >> text=Admin")  # Bootstrap's dropdown: the locally served script runs under the CSP
    admin.click("nav >> text=Users")
    admin.fill("#email", "nia@example.org")
    admin.fill("#name", "Nia New")
    admin.select_option("#role", "auditor")
    admin.fill("#password", "a long enough secret")
    admin.click("main form button:has-text('Create the user'), main form input[value='Create the user']")
    expect(admin.locator("#users")).to_contain_text("nia@example.org")
    shoot(admin, "admin-users")
    assert errors == []  # no script or style refused by the policy, nothing broken
