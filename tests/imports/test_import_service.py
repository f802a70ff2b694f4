"""Import partnerships from spreadsheets: every problem by row and column first; then all rows or none."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from caseflow.extensions import db
from caseflow.imports import service
from caseflow.imports.service import dry_run, import_file, load_file
from caseflow.models import Case, HistoryRecord, Organisation, Review
from caseflow.workflow import Actor, NotAllowed, current_workflow
from caseflow.workflow.chain_verify import verify_chains
from tests.imports.conftest import CASE_HEADER, PARTNER_HEADER, case_row, partner_row


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def radio(app):
    """A partner already in the directory."""
    partner = Organisation(name="Kisumu Youth Radio", type="independent_media", country="Kenya", level="country")
    db.session.add(partner)
    db.session.commit()
    return partner


def test_a_dry_run_lists_every_problem_by_row_and_column_and_writes_nothing(app, users, radio, files):
    path = files.csv("partnerships.csv", CASE_HEADER + ["closure_reason"], [
        case_row(),
        case_row("Call-in show", partner="Nobody Radio"),
        case_row("Drama series", proposed_start="31/01/2025"),
        case_row(""),
        case_row("Podcast", owner="ghost@example.org"),
        case_row("Youth radio on child marriage"),
        case_row("Festival", state="Pending signature"),
        case_row("Quiz", actual_start=""),
        case_row("School clubs", cooperation_form="Handshake", state="Under review", review_interval_months="48"),
        case_row("Reporting", owner="reviewer@example.org", state="Agreed", actual_start="", agreement_reference="",
                 closure_reason="Exit completed"),
    ])
    report = dry_run(load_file(path))
    assert [str(p) for p in report.problems] == [
        "row 3, column partner: no partner named 'Nobody Radio' exists or is in the file's partners table",
        "row 4, column proposed_start: '31/01/2025' is not a date: write it as YYYY-MM-DD, e.g. 2026-03-31",
        "row 5, column title: a value is required",
        "row 6, column owner: no user has the e-mail ghost@example.org",
        "row 7, column title: 'Kisumu Youth Radio' already has a partnership titled 'Youth radio on child marriage'",
        "row 8, column state: unknown state of the workflow 'Pending signature': use one of Proposed, Vetted, Agreed, "
        "Active, Under review, Exiting, Discontinued",
        "row 9, column actual_start: A case that is Active has started: give its actual start date.",
        "row 10, column cooperation_form: unknown form of cooperation 'Handshake': use one of Formal partnership, "
        "Collaborative relationship",
        "row 10, column review_interval_months: 48 is outside 1 to 36",
        "row 11, column owner: reviewer@example.org is a reviewer, not an active officer",
        "row 11, column closure_reason: A case that is Agreed is not closed: its closure reason must be empty.",
        "row 11, column agreement_reference: A written agreement is required because resources are transferred; "
        "give its reference.",
    ]
    assert "12 problem(s); nothing was imported" in report.summary()
    assert count(Case) == 0 and count(HistoryRecord) == 0


def test_problems_in_a_workbook_name_their_sheet(app, users, files):
    path = files.xlsx("directory.xlsx", {
        "Partners": (PARTNER_HEADER, [partner_row(), partner_row("Lake Council", type="NGOx", contact_email="nobody"),
                                      partner_row()]),
        "Partnerships": (CASE_HEADER, [case_row(proposed_end="2024-12-31", state="Proposed", actual_start="")]),
    })
    problems = [str(p) for p in dry_run(load_file(path)).problems]
    assert problems[0].startswith("sheet Partners, row 3, column type: unknown partner type 'NGOx': use one of International NGO")
    assert problems[1].startswith("sheet Partners, row 3, column contact_email: 'nobody' is not an e-mail address")
    assert problems[2:] == [
        "sheet Partners, row 4, column name: 'Kisumu Youth Radio' appears more than once in the partners table",
        "sheet Partnerships, row 2, column proposed_end: The end date 2024-12-31 must come after the start date 2025-01-15.",
    ]


def test_unknown_and_missing_columns_are_problems_of_the_header_row(app, users, files):
    header = [c for c in CASE_HEADER if c != "office"] + ["Budget line"]
    problems = [str(p) for p in dry_run(load_file(files.csv("p.csv", header, [case_row()]))).problems]
    assert problems[:2] == ["row 1, column Budget line: is not a column of the partnerships table",
                            "row 1, column office: this required column is missing"]


def test_a_file_with_one_bad_row_writes_nothing_at_all(app, users, files):
    path = files.xlsx("directory.xlsx", {
        "Partners": (PARTNER_HEADER, [partner_row(), partner_row("Lake Council")]),
        "Partnerships": (CASE_HEADER, [case_row(), case_row("Water committees", partner="Lake Council"),
                                       case_row("Broken", proposed_end="someday")]),
    })
    report = import_file(load_file(path), users["admin"])
    assert [str(p) for p in report.problems] == [
        "sheet Partnerships, row 4, column proposed_end: 'someday' is not a date: write it as YYYY-MM-DD, e.g. 2026-03-31"]
    assert not report.written
    assert count(Case) == count(Organisation) == count(HistoryRecord) == 0


def test_a_valid_csv_imports_every_case_with_a_history_record_saying_who_imported_it_from_which_file(app, users, radio, files):
    path = files.csv("partnerships.csv", CASE_HEADER, [
        case_row(),
        case_row("Call-in show", cooperation_form="collaborative_relationship", resources="None", amount="", currency="",
                 state="proposed", actual_start="", agreement_type="", agreement_reference="", agreement_signed_on=""),
    ], delimiter=";")
    loaded = load_file(path)
    report = import_file(loaded, users["admin"])
    assert report.problems == [] and report.written and report.by_state == {"Active": 1, "Proposed": 1}
    assert report.summary().startswith("partnerships.csv (sha256 ") and "2 partnerships imported" in report.summary()
    active = db.session.scalar(select(Case).where(Case.title == "Youth radio on child marriage"))
    assert (active.state, active.partner_id, active.owner_id, active.resources) == ("active", radio.id, users["officer"].id, "cash")
    assert active.next_review_due.isoformat() == "2025-08-01" and active.exit_deadline.isoformat() == "2027-01-14"
    record = db.session.scalar(select(HistoryRecord).where(HistoryRecord.case_id == active.id))
    assert (record.seq, record.trigger, record.from_state, record.to_state) == (1, "import", None, "active")
    assert (record.actor, record.actor_user_id) == ("admin@example.org", users["admin"].id)
    assert record.comment == f"Imported by admin@example.org from {loaded.source}"
    data = json.loads(record.data)
    assert data["fields"] == {"source": loaded.source}
    assert data["changes"]["title"] == [None, "Youth radio on child marriage"]
    assert verify_chains(db.session).ok


def test_a_workbook_creates_new_partners_and_matches_known_ones_in_the_same_run(app, users, radio, files):
    path = files.xlsx("directory.xlsx", {
        "Partners": (PARTNER_HEADER, [partner_row("kisumu youth radio"), partner_row("Lake Council", type="community_based"),
                                      partner_row("Hill Traders", type="company", reputational_flag="Yes",
                                                  flag_note="Complaint")]),
        "Partnerships": (CASE_HEADER, [case_row(), case_row("Water committees", partner="Lake Council", state="Under review",
                                                            review_interval_months="3"),
                                       case_row("School meals", partner="Hill Traders", state="Proposed", actual_start="")]),
    })
    report = import_file(load_file(path), users["admin"])
    assert report.problems == []
    assert report.written and report.new_partners == ["Lake Council", "Hill Traders"]
    assert report.matched_partners == ["Kisumu Youth Radio"]
    traders = db.session.scalar(select(Organisation).where(Organisation.name == "Hill Traders"))
    assert traders.type == "company" and traders.reputational_flag and traders.flag_note == "Complaint"
    council = db.session.scalar(select(Organisation).where(Organisation.name == "Lake Council"))
    water = db.session.scalar(select(Case).where(Case.title == "Water committees"))
    assert water.partner_id == council.id and water.state == "under_review"
    review = db.session.scalar(select(Review).where(Review.case_id == water.id))
    assert review.completed_at is None and review.opened_by == "admin@example.org"
    assert review.reason.startswith("Under review when imported by admin@example.org from directory.xlsx")


def test_a_flagged_partners_case_is_imported_neither_agreed_nor_running(app, users, radio, files):
    radio.sanctions_flag = True
    db.session.commit()
    path = files.xlsx("directory.xlsx", {
        "Partners": (PARTNER_HEADER, [partner_row("Lake Council", reputational_flag="Yes")]),
        "Partnerships": (CASE_HEADER, [
            case_row(state="Agreed", actual_start=""), case_row("Call-in show"),
            case_row("Water committees", partner="Lake Council", state="Under review"),
            case_row("Quiz", state="Proposed", actual_start=""),
        ]),
    })
    report = dry_run(load_file(path))
    assert [str(p) for p in report.problems] == [
        "sheet Partnerships, row 2, column partner: The partner carries a blocking flag (sanctions): "
        "a partnership with it cannot be agreed.",
        "sheet Partnerships, row 3, column partner: The partner carries a blocking flag (sanctions): "
        "a partnership with it cannot be active.",
        "sheet Partnerships, row 4, column partner: The partner carries a blocking flag (reputational risk): "
        "a partnership with it cannot be under review.",
    ]
    assert not import_file(load_file(path), users["admin"]).written
    assert count(Case) == count(HistoryRecord) == 0


def test_a_failure_while_writing_leaves_nothing_behind(app, users, files, monkeypatch):
    path = files.xlsx("directory.xlsx", {
        "Partners": (PARTNER_HEADER, [partner_row()]),
        "Partnerships": (CASE_HEADER, [case_row(), case_row("Second"), case_row("Third")]),
    })
    workflow = current_workflow()
    original, calls = workflow._import_one, []

    def fail_on_the_third(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return original(*args, **kwargs)

    monkeypatch.setattr(workflow, "_import_one", fail_on_the_third)
    with pytest.raises(RuntimeError, match="disk full"):
        import_file(load_file(path), users["admin"])
    assert count(Case) == count(Organisation) == count(HistoryRecord) == 0


def test_the_file_is_checked_again_inside_the_writing_transaction(app, users, cases, radio, files, monkeypatch):
    path = files.csv("partnerships.csv", CASE_HEADER, [case_row(), case_row("Call-in show")])
    original, raced = service.check, []

    def check_then_someone_else_proposes(loaded, progress=None, reader=None):
        plan = original(loaded, progress, reader)
        if not raced:  # between the first check and the write, an officer proposes the same partnership
            raced.append(cases.propose(partner=radio, title="Call-in show"))
        return plan

    monkeypatch.setattr(service, "check", check_then_someone_else_proposes)
    report = import_file(load_file(path), users["admin"])
    assert not report.written
    assert [str(p) for p in report.problems] == [
        "row 3, column title: 'Kisumu Youth Radio' already has a partnership titled 'Call-in show'"]
    assert count(Case) == 1 and count(HistoryRecord) == 1


def test_only_an_admin_imports(app, users):
    with pytest.raises(NotAllowed):
        current_workflow().import_cases(Actor.of(users["officer"]), [], "nothing.csv")


def test_headers_and_values_may_be_written_as_people_label_them(app, users, radio, files):
    labels = {"partner": "Partner", "results_for_children": "Results for children", "cooperation_form": "Form of cooperation",
              "resources": "Resources transferred", "owner": "Owner (e-mail)", "review_interval_months": "Review interval (months)",
              "agreement_signed_on": "Signing date", "proposed_end": "Intended end date"}
    header = [labels.get(column, column.replace("_", " ").capitalize()) for column in CASE_HEADER]
    row = case_row(state="under review", resources="In-kind", cooperation_form="FORMAL PARTNERSHIP", agreement_type="pca",
                   owner="Officer@Example.org", amount="12,500.50")
    path = files.csv("legacy.csv", header, [dict(zip(header, (row[c] for c in CASE_HEADER)))])
    report = import_file(load_file(path), users["admin"])
    assert report.problems == [] and report.by_state == {"Under review": 1}
    case = db.session.scalar(select(Case))
    assert (case.state, case.resources, case.cooperation_form, case.agreement_type) == (
        "under_review", "in_kind", "formal_partnership", "pca")
    assert str(case.amount) == "12500.50" and case.owner_id == users["officer"].id


def test_a_file_with_a_header_and_no_rows_is_refused(app, files):
    from caseflow.imports.reader import UnreadableFile

    with pytest.raises(UnreadableFile, match="no rows to import"):
        load_file(files.csv("empty.csv", CASE_HEADER, []))


def test_the_import_holds_each_text_to_its_field_s_maximum_and_currencies_to_iso_4217(app, users, radio, files):
    longest = {"title": "t" * 199 + "é", "objectives": "o" * 9999 + "🙂", "agreement_reference": "R" * 80}
    fits = files.csv("fits.csv", CASE_HEADER, [case_row(**longest)])
    assert dry_run(load_file(fits)).problems == []
    too_long = files.csv("too-long.csv", CASE_HEADER, [
        case_row(title="t" * 201), case_row("Quiz", objectives="o" * 10001),
        case_row("Drama", agreement_reference="R" * 81), case_row("Clubs", currency="XYZ")])
    assert [str(p) for p in dry_run(load_file(too_long)).problems] == [
        "row 2, column title: has 201 characters; at most 200 are allowed",
        "row 3, column objectives: has 10,001 characters; at most 10,000 are allowed",
        "row 4, column agreement_reference: has 81 characters; at most 80 are allowed",
        "row 5, column currency: 'XYZ' is not an ISO 4217 currency code such as USD or EUR",
    ]
    report = import_file(load_file(fits), users["admin"])
    assert not report.problems
    case = db.session.scalar(select(Case))
    assert case.title == longest["title"] and case.objectives == longest["objectives"]
