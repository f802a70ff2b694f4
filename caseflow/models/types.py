"""Column types shared by the models."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

from caseflow.clock import as_utc, utcnow


class UTCDateTime(TypeDecorator):
    """Store naive UTC on every database; hand back aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return as_utc(value).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=dt.timezone.utc)


def now_utc() -> dt.datetime:
    """Column default: the caseflow clock's now."""
    return utcnow()
