"""The one clock of caseflow: UTC now, settable by tests and by `caseflow sweep --at`."""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import time

_frozen: dt.datetime | None = None
#: A file holding a number of seconds to add to the real time (the load run moves a deployment's clock
#: forward with it); None: the real time. Never set in production (the config refuses it).
_offset_file: str | None = None
_offset = (0.0, -1.0)  # (seconds, monotonic time of the last read)
#: How often the offset file is read again: a sweep sees a move of the clock within this time.
OFFSET_READ_SECONDS = 0.2


def utcnow() -> dt.datetime:
    """Return the current time as an aware UTC datetime (or the frozen time)."""
    if _frozen is not None:
        return _frozen
    now = dt.datetime.now(dt.timezone.utc)
    if _offset_file is None:
        return now
    return now + dt.timedelta(seconds=_read_offset())


def follow_offset_file(path: str | None) -> None:
    """Add the seconds written in `path` to the real time from now on (None: the real time again)."""
    global _offset_file, _offset
    _offset_file, _offset = path, (0.0, -1.0)


def _read_offset() -> float:
    global _offset
    seconds, read_at = _offset
    if time.monotonic() - read_at >= OFFSET_READ_SECONDS:
        try:
            with open(_offset_file, encoding="ascii") as f:
                seconds = float(f.read().strip() or 0)
        except (OSError, ValueError):
            pass  # being rewritten, or gone: keep the last offset read
        _offset = (seconds, time.monotonic())
    return seconds


def write_offset_file(path: str | os.PathLike, seconds: float) -> None:
    """Move the clock of every process following `path` to the real time plus `seconds` (atomically)."""
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="ascii") as f:
        f.write(repr(float(seconds)))
    os.replace(tmp, path)


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
