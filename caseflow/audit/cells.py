"""CSV cells a spreadsheet will not run: OWASP's CSV-injection defence, reversible so exports stay checkable."""
from __future__ import annotations

# A spreadsheet evaluates a cell that starts with one of these as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def spreadsheet_safe(value):
    """`value` for a CSV cell: text a spreadsheet would evaluate, or that starts with the escape, gets a leading '."""
    if isinstance(value, str) and value.startswith((*FORMULA_STARTS, ESCAPE)):
        return ESCAPE + value
    return value


def from_spreadsheet_safe(value: str) -> str:
    """The text a CSV cell was made from by spreadsheet_safe: one leading ' removed."""
    return value[1:] if value.startswith(ESCAPE) else value
