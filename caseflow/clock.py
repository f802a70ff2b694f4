"""The one clock of caseflow: UTC now, settable by tests and by `caseflow sweep --at`."""
from __future__ import annotations

import contextlib
import datetime as dt

_frozen: dt.datetime | None = None


def utcnow() -> dt.datetime:
    """Return the current time as an aware UTC datetime (or the frozen time)."""
    if _frozen is not None:
        return _frozen
    return dt.datetime.now(dt.timezone.utc)


def today() -> dt.date:
    """Return today's date in UTC by the same clock."""
    return utcnow().date()


def as_utc(value: dt.datetime) -> dt.datetime:
    """Return an aware UTC datetime; naive values are taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


def set_clock(moment: dt.datetime | None) -> None:
    """Freeze the clock at `moment`, or let it run again with None."""
    global _frozen
    _frozen = None if moment is None else as_utc(moment)


@contextlib.contextmanager
def frozen_at(moment: dt.datetime):
    """Run a block with the clock frozen at `moment`, then restore the previous clock."""
    global _frozen
    previous = _frozen
    set_clock(moment)
    try:
        yield
    finally:
        _frozen = previous
