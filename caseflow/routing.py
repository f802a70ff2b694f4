"""URL converters shared by every blueprint."""
from __future__ import annotations

from werkzeug.routing import IntegerConverter

# Every id column is a 32-bit integer on both databases (the API bounds ids in bodies and queries by it too): a larger
# number is refused by PostgreSQL ("integer out of range") and, from 2**63, by SQLite's driver, as a 500.
MAX_ID = 2**31 - 1


def at_most(limit: int) -> str:
    """A regular expression matching the decimal numbers from 0 to `limit` (with as many digits as `limit`)."""
    digits = str(limit)
    branches = [rf"\d{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    for i, digit in enumerate(digits):
        if digit != "0":
            tail = len(digits) - i - 1
            branches.append(digits[:i] + f"[0-{int(digit) - 1}]" + (rf"\d{{{tail}}}" if tail else ""))
    branches.append(digits)
    return "(?:" + "|".join(branches) + ")"


class IdConverter(IntegerConverter):
    """`<int:...>` that matches only numbers an id column can hold, so a larger one is a 404, not a 500.

    Registered as the app's `int` converter, it bounds every route's ids, today's and tomorrow's. The bound is in
    the regular expression, not only in `to_python`, so that a larger number does not match the rule at all and
    falls through to the rules after it, as any other unknown path does (under /api/, the API's JSON 404).
    """

    regex = at_most(MAX_ID)

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002 - werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def register_converters(app) -> None:
    """Replace the `int` converter before any blueprint adds its rules."""
    app.url_map.converters["int"] = IdConverter
