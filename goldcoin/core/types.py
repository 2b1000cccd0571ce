"""Column types every domain's models share."""
from datetime import timezone

from sqlalchemy import BigInteger, DateTime, Integer
from sqlalchemy.types import TypeDecorator

# The id of a table that grows with activity (transfers, posts, votes,
# notifications, ...): BIGINT on PostgreSQL, where INTEGER ends at 2^31 - 1.
# SQLite keeps INTEGER PRIMARY KEY, its 64-bit rowid: a BIGINT primary key
# there would not autoincrement.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator):
    """A moment in UTC. Stores UTC and always hands back an aware UTC datetime.

    PostgreSQL keeps `timestamptz` and returns aware values; SQLite keeps text
    without an offset and returns naive ones, which are UTC because this type
    wrote them. A naive value written is taken to be UTC already.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)
