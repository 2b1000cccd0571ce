"""Time, always in UTC."""
from datetime import datetime, timezone


def utcnow():
    return datetime.now(timezone.utc)
