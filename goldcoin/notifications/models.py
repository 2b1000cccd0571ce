from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from goldcoin.core.time import utcnow
from goldcoin.core.types import BigId, UtcDateTime
from goldcoin.extensions import db


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user", "user_id", "read_at", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class OutboxEmail(db.Model):
    """An email to send, written in the transaction that caused it: sent right
    after that transaction commits, and retried by `flask goldcoin send-email`
    (run by the poll-payments timer) until it is sent or gives up."""

    __tablename__ = "email_outbox"
    __table_args__ = (Index("ix_email_outbox_due", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    to: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)  # the plain-text part
    html: Mapped[str | None] = mapped_column(Text)  # the HTML part (none in emails queued before 2200)
    # Chosen when queued, so that a retry of an email that did arrive carries the same id.
    message_id: Mapped[str | None] = mapped_column(String(255))
    # The one-click unsubscribe URL of its member and kind, for the List-Unsubscribe
    # header (RFC 8058); none in emails queued before 2300, which go without it.
    list_unsubscribe: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # When the next attempt is due; an attempt in flight pushes it ahead (a
    # lease), so two senders never send the same email at once.
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # gave up
    last_error: Mapped[str | None] = mapped_column(String(500))


class EmailPreference(db.Model):
    """A member's choice for one kind of notification (preferences.KINDS):
    also by email or not. No row: the kind's default."""

    __tablename__ = "email_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean)
