"""The audit log of admin actions: who did what to what, and when."""
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from goldcoin.extensions import db
from goldcoin.ledger.models import utcnow


class AdminAction(db.Model):
    """One admin action. Append-only: written in the same transaction as the
    change it records, so a change without its entry cannot be committed."""

    __tablename__ = "admin_actions"
    __table_args__ = (Index("ix_admin_actions_actor_at", "actor_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # e.g. ledger.adjust, ledger.reverse, member.role, member.ban, token.create,
    # token.revoke, model.create, model.edit, model.delete
    action: Mapped[str] = mapped_column(String(60), index=True)
    # What it was done to, e.g. "user:7", "transfer:42", "Reward:3".
    target: Mapped[str] = mapped_column(String(120), default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)

    def __repr__(self):
        return f"<AdminAction {self.id} {self.action} {self.target}>"
