"""Read the moment of an as-of view from the query string."""
from __future__ import annotations

import datetime as dt


def parse_moment(value: str | None, now: dt.datetime) -> dt.datetime:
    """YYYY-MM-DD means the end of that day, YYYY-MM-DDTHH:MM the end of that minute, both UTC; empty means now."""
    value = (value or "").strip()
    if not value:
        return now
    for fmt, span in (("%Y-%m-%d", dt.timedelta(days=1)), ("%Y-%m-%dT%H:%M", dt.timedelta(minutes=1))):
        try:
            start = dt.datetime.strptime(value, fmt).replace(tzinfo=dt.timezone.utc)
        except ValueError:
            continue
        return start + span - dt.timedelta(microseconds=1)
    raise ValueError("a date as YYYY-MM-DD, or a date and time as YYYY-MM-DDTHH:MM (UTC)")
