"""The import's own readings of cells: choices by code or label, e-mail addresses and sign-in names.

Text, dates, amounts, whole numbers, currencies and yes/no are read by caseflow.workflow.values, as the
forms and the API read them.
"""
from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from caseflow.imports.layout import match_choice
from caseflow.workflow.values import text


def choice(value, choices: dict[str, str], what: str) -> str:
    """The code of a choice written as its code or its label."""
    code = match_choice(value, choices)
    if code is None:
        raise ValueError(f"unknown {what} '{text(value)}': use one of " + ", ".join(choices.values()))
    return code


def email(value) -> str:
    """A well-formed e-mail address, lower-cased."""
    try:
        # Reserved names such as example.org or .test are fine here: the address is stored, not mailed now.
        return validate_email(text(value), check_deliverability=False, globally_deliverable=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValueError(f"'{value}' is not an e-mail address: {exc}") from None


def login(value) -> str:
    """An e-mail as a sign-in name, for looking up a user."""
    result = text(value).lower()
    if "@" not in result:
        raise ValueError(f"'{value}' is not an e-mail address")
    return result
