"""The audit log of admin actions: who did what to what, and when.

Writing an entry is like every service function: add and flush, never commit,
so an entry lands in the same transaction as the change it records."""
import datetime as _dt
import decimal
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, inspect
from sqlalchemy.orm import Mapped, mapped_column

from goldcoin.extensions import db

from .time import utcnow
from .types import BigId, UtcDateTime


class AdminAction(db.Model):
    """One admin action. Append-only: written in the same transaction as the
    change it records, so a change without its entry cannot be committed."""

    __tablename__ = "admin_actions"
    __table_args__ = (Index("ix_admin_actions_actor_at", "actor_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # e.g. ledger.adjust, ledger.reverse, member.role, member.ban, token.create,
    # token.revoke, model.create, model.edit, model.delete
    action: Mapped[str] = mapped_column(String(60), index=True)
    # What it was done to, e.g. "user:7", "transfer:42", "Reward:3".
    target: Mapped[str] = mapped_column(String(120), default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)

    def __repr__(self):
        return f"<AdminAction {self.id} {self.action} {self.target}>"


def _plain(value):
    """A JSON-safe form of a column value."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def record(session, actor_id, action, target="", **details):
    entry = AdminAction(actor_id=actor_id, action=action, target=target, details=_plain(details))
    session.add(entry)
    session.flush()
    return entry


def target_of(model):
    """"ModelName:pk" of an ORM object."""
    identity = inspect(model).identity
    pk = ",".join(str(v) for v in identity) if identity else "new"
    return f"{type(model).__name__}:{pk}"


def pending_changes(model):
    """{column: [old, new]} of the columns changed on `model` and not yet flushed."""
    state = inspect(model)
    changes = {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old != new:
            changes[attr.key] = [old, new]
    return changes


def snapshot(model):
    """{column: value} of an ORM object (for deletions)."""
    state = inspect(model)
    return {attr.key: getattr(model, attr.key) for attr in state.mapper.column_attrs}


SENSITIVE = ("password_hash", "token_hash")


def redact(values):
    return {k: ("<redacted>" if k in SENSITIVE else v) for k, v in values.items()}
