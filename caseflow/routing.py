"""URL converters shared by every blueprint."""
from __future__ import annotations

from werkzeug.routing import IntegerConverter

# The largest integer either database (and SQLite's driver) can bind: a larger one is a driver error, not "no row".
MAX_BINDABLE = 2**63 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` that matches only numbers a database can be asked about, so a larger one is a 404, not a 500.

    Registered as the app's `int` converter, it bounds every route's ids, today's and tomorrow's: a route whose
    id no longer matches falls through to the 404 page (or, under /api/, to the API's JSON 404).
    """

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_BINDABLE, signed=False):  # noqa: A002 - werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def register_converters(app) -> None:
    """Replace the `int` converter before any blueprint adds its rules."""
    app.url_map.converters["int"] = IdConverter
