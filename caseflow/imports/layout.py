"""The column layout of the two import tables, and how headers and values people write are matched."""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """A column of an import table: its name, whether it is required, other spellings, a note."""

    name: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    help: str = ""


PARTNER_COLUMNS = (
    Column("name", True, ("partner", "partner_name", "organisation", "organization"), "The organisation's name; matches an existing partner of the same name."),
    Column("type", True, ("partner_type", "type_of_partner"), "A partner type, by code or label, e.g. national_ngo or National NGO."),
    Column("country"),
    Column("level", True, ("partner_level",), "Global, Regional or Country."),
    Column("contact_name", aliases=("contact",)),
    Column("contact_email", aliases=("email", "contact_e_mail")),
    Column("sanctions_flag", aliases=("sanctions",), help="yes/no (empty: no)."),
    Column("reputational_flag", aliases=("reputational_risk_flag", "reputational"), help="yes/no (empty: no)."),
    Column("flag_note", aliases=("note", "flag_notes")),
)

PARTNERSHIP_COLUMNS = (
    Column("partner", True, ("partner_name", "organisation", "organization"), "The partner's name: an existing partner, or one in the file's partners table."),
    Column("title", True),
    Column("objectives", True),
    Column("results_for_children", True, ("results",)),
    Column("cooperation_form", True, ("form_of_cooperation", "form"), "Formal partnership or Collaborative relationship."),
    Column("resources", True, ("resources_transferred",), "None, Cash or In-kind."),
    Column("amount"),
    Column("currency", help="A three-letter code; needed with an amount."),
    Column("office", True),
    Column("owner", True, ("owner_email", "officer", "owner_e_mail"), "The owning officer's e-mail; the officer must have an account."),
    Column("state", True, ("status",), "A workflow state, by name or label, e.g. active or Under review."),
    Column("proposed_start", True, ("start", "start_date")),
    Column("proposed_end", True, ("end", "end_date", "intended_end_date")),
    Column("actual_start", aliases=("actual_start_date",), help="Required from Active on."),
    Column("next_review_due", aliases=("next_review", "next_review_date"), help="Empty: one review interval after the actual start."),
    Column("review_interval_months", aliases=("review_interval",), help="Required from Agreed on (1-36)."),
    Column("agreement_type", help="PCA, SSFA, MoU or Informal collaboration; required from Agreed on."),
    Column("agreement_reference"),
    Column("agreement_signed_on", aliases=("signing_date", "signed_on")),
    Column("contributions", aliases=("each_partner_s_contributions",)),
    Column("roles_responsibilities", aliases=("roles_and_responsibilities",)),
    Column("operational_targets", aliases=("operational_targets_and_activities",)),
    Column("monitoring_arrangement", aliases=("reporting_monitoring_and_evaluation_arrangement",)),
    Column("exit_conditions", help="Required from Agreed on (para 56)."),
    Column("reviewer", aliases=("reviewer_email",), help="The reviewer's e-mail (optional)."),
    Column("exit_completion_due", aliases=("exit_completion_date",), help="Required for Exiting."),
    Column("exit_plan"),
    Column("closure_reason", help="Required for Discontinued: Exit completed, Little or no progress, ..."),
)

TABLES = {"partners": PARTNER_COLUMNS, "partnerships": PARTNERSHIP_COLUMNS}


def normalise(text) -> str:
    """A header or label reduced for matching: 'Contact e-mail' -> 'contact_email'."""
    text = str(text or "").strip().lower().replace("-", "").replace("'", "_")
    return re.sub(r"[^0-9a-z]+", "_", text).strip("_")


def header_index(columns: tuple[Column, ...]) -> dict[str, str]:
    """Every accepted spelling of a header -> the column's name."""
    index = {}
    for column in columns:
        for spelling in (column.name, *column.aliases):
            index[normalise(spelling)] = column.name
    return index


def table_of(headers: list[str]) -> str | None:
    """Which table a header row belongs to: partnerships have a title, partners a name and type."""
    found = {normalise(h) for h in headers}
    if "title" in found:
        return "partnerships"
    if {"name", "type"} <= found or {"name", "partner_type"} <= found:
        return "partners"
    return None


def match_choice(value, choices: dict[str, str]) -> str | None:
    """The code of a choice written as its code or its label, in any case; None if it is neither."""
    wanted = normalise(value)
    for code, label in choices.items():
        if wanted in (normalise(code), normalise(label)):
            return code
    return None
