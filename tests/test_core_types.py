"""UtcDateTime (every DateTime column) and utc(): moments in UTC, always aware."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from goldcoin.core.time import utc
from goldcoin.notifications.models import Notification

PLUS_TWO = timezone(timedelta(hours=2))
NOON_UTC = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)


def test_every_moment_is_stored_in_utc_and_comes_back_aware(session, make_user):
    member = make_user()
    east = datetime(2026, 3, 10, 14, 0, tzinfo=PLUS_TWO)
    session.add(Notification(user_id=member.id, text="two hours east", created_at=east))
    # A naive moment (a form field, say) is taken to be UTC.
    session.add(Notification(user_id=member.id, text="naive", created_at=datetime(2026, 3, 10, 12, 0)))
    session.commit()
    session.expire_all()

    moments = session.scalars(select(Notification.created_at).order_by(Notification.id)).all()
    assert moments == [NOON_UTC, NOON_UTC]
    assert all(m.tzinfo is timezone.utc for m in moments)
    assert session.scalar(select(func.max(Notification.created_at))).tzinfo is timezone.utc
    # Compared in SQL with a moment in another zone, as the same instant.
    at = Notification.created_at
    assert session.scalar(select(func.count()).where(at >= east)) == 2
    assert session.scalar(select(func.count()).where(at > east)) == 0
    session.rollback()


def test_utc_reads_what_callers_pass_in():
    assert utc(datetime(2026, 3, 10, 14, 0, tzinfo=PLUS_TWO)) == NOON_UTC
    assert utc(datetime(2026, 3, 10, 12, 0)) == NOON_UTC  # naive: UTC, as stored
    assert utc(datetime(2026, 3, 10, 14, 0, tzinfo=PLUS_TWO)).tzinfo is timezone.utc
    before = datetime.now(timezone.utc)
    now = utc()  # None: now
    assert now.tzinfo is timezone.utc and before <= now <= datetime.now(timezone.utc)
