from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from goldcoin.core.time import utcnow  # noqa: F401 - re-exported for the modules that import it here
from goldcoin.core.types import BigId, UtcDateTime
from goldcoin.extensions import db

WALLET = "wallet"
SYSTEM = "system"

# System accounts. They may go negative: `mint` is where earned coins come
# from, `sales` where bought coins come from, `sink` where spent coins go.
MINT = "mint"
SALES = "sales"
SINK = "sink"
ESCROW = "escrow"
ADJUSTMENTS = "adjustments"
SYSTEM_ACCOUNTS = (MINT, SALES, SINK, ESCROW, ADJUSTMENTS)


class Account(db.Model):
    __tablename__ = "accounts"
    __table_args__ = (
        CheckConstraint("kind <> 'wallet' OR balance >= 0", name="wallet_not_negative"),
        CheckConstraint("kind IN ('wallet', 'system')", name="kind_known"),
        CheckConstraint(
            "(kind = 'wallet' AND user_id IS NOT NULL AND code IS NULL)"
            " OR (kind = 'system' AND user_id IS NULL AND code IS NOT NULL)",
            name="owner_matches_kind",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    code: Mapped[str | None] = mapped_column(String(40), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    # Only ever changed by the ledger's UPDATE statements, never assigned.
    balance: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    def __repr__(self):
        return f"<Account {self.id} {self.code or 'user:%s' % self.user_id} {self.balance}>"


class Transfer(db.Model):
    """An immutable movement of `amount` coins from one account to another."""

    __tablename__ = "transfers"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("from_account_id <> to_account_id", name="distinct_accounts"),
        Index("ix_transfers_from_account", "from_account_id", "id"),
        Index("ix_transfers_to_account", "to_account_id", "id"),
        Index("ix_transfers_kind_created", "kind", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    from_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    to_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    amount: Mapped[int] = mapped_column(BigInteger)
    # What caused it: earn.post_quality, recharge, redeem, adjustment, ...
    # A reversal keeps the kind of what it reverses, so sums by kind net out.
    kind: Mapped[str] = mapped_column(String(40))
    memo: Mapped[str] = mapped_column(String(255), default="")
    # What it is about, e.g. "post:42" or "order:17".
    reference: Mapped[str | None] = mapped_column(String(120))
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    reverses_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("transfers.id"), unique=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    def __repr__(self):
        return f"<Transfer {self.id} {self.from_account_id}->{self.to_account_id} {self.amount} {self.kind}>"
