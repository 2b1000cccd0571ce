"""Time, always in UTC.

Values read from the database are aware UTC datetimes already (every DateTime
column is a `core.types.UtcDateTime`); `utc()` is for the moments callers
pass in (`now=` in tests, previews and batch jobs).
"""
from datetime import datetime, timezone


def utcnow():
    return datetime.now(timezone.utc)


def utc(moment=None):
    """`moment` as an aware UTC datetime; None means now. A naive moment is
    read as UTC, as the database stores every time."""
    if moment is None:
        return utcnow()
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)
