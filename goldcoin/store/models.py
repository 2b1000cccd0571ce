"""Rewards, redemptions, entitlements, member titles and paid-content purchases."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from goldcoin.core.time import utcnow
from goldcoin.core.types import BigId, UtcDateTime
from goldcoin.extensions import db

CONTENT_ACCESS = "content_access"
GROUP = "group"
TITLE = "title"
BADGE = "badge"
PRIVILEGE = "privilege"
BOOSTER = "booster"
KINDS = (CONTENT_ACCESS, GROUP, TITLE, BADGE, PRIVILEGE, BOOSTER)
# Kinds whose `code` says what exactly is granted (group name, badge name, privilege code).
KINDS_WITH_CODE = (GROUP, BADGE, PRIVILEGE)

_KINDS_SQL = ", ".join(f"'{k}'" for k in KINDS)


class Reward(db.Model):
    """Something the store sells for coins. Admins manage these."""

    __tablename__ = "rewards"
    __table_args__ = (
        CheckConstraint("cost > 0", name="cost_positive"),
        CheckConstraint(f"kind IN ({_KINDS_SQL})", name="kind_known"),
        CheckConstraint("stock IS NULL OR stock >= 0", name="stock_not_negative"),
        CheckConstraint("per_user_limit IS NULL OR per_user_limit > 0", name="limit_positive"),
        CheckConstraint("duration_days IS NULL OR duration_days > 0", name="duration_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Stable identity for seeding and JSON import ("premium-ea-access").
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    cost: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    # privilege code ("commercial_posting"), group ("vip") or badge name.
    code: Mapped[str | None] = mapped_column(String(60))
    # booster only: e.g. 2 for double coins.
    multiplier: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    duration_days: Mapped[int | None] = mapped_column(Integer)
    # None: unlimited. Only ever decremented by a conditional UPDATE.
    stock: Mapped[int | None] = mapped_column(Integer)
    per_user_limit: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    sort_order: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    @property
    def available(self):
        return bool(self.active) and (self.stock is None or self.stock > 0)

    def __str__(self):
        return f"{self.name} ({self.cost} coins)"


class Redemption(db.Model):
    """A member spent coins on a reward: exactly one ledger transfer to `sink`."""

    __tablename__ = "redemptions"
    __table_args__ = (Index("ix_redemptions_user_reward", "user_id", "reward_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reward_id: Mapped[int] = mapped_column(ForeignKey("rewards.id"))
    cost: Mapped[int] = mapped_column(Integer)
    transfer_id: Mapped[int] = mapped_column(BigId, ForeignKey("transfers.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    reward = relationship(Reward, lazy="joined")
    # Read-only, for the admin lists (they show and search the username).
    user = relationship("User", viewonly=True)


class Entitlement(db.Model):
    """What a member may do or show, until `expires_at` (None: for good)."""

    __tablename__ = "entitlements"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_KINDS_SQL})", name="kind_known"),
        Index("ix_entitlements_user_kind", "user_id", "kind", "code"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))
    code: Mapped[str | None] = mapped_column(String(60))
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    redemption_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("redemptions.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    # Read-only, for the admin lists (they show and search the username).
    user = relationship("User", viewonly=True)


class MemberTitle(db.Model):
    """The custom title a member chose (shown only while they hold a title entitlement)."""

    __tablename__ = "member_titles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    title: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    # Read-only, for the admin lists (they show and search the username).
    user = relationship("User", viewonly=True)


class Purchase(db.Model):
    """A member bought a paid item (an EA download, say) once; re-downloads are free."""

    __tablename__ = "purchases"
    __table_args__ = (
        UniqueConstraint("buyer_id", "item_key", name="uq_purchases_buyer_item"),
        CheckConstraint("price >= 0", name="price_not_negative"),
        CheckConstraint("seller_coins >= 0 AND sink_coins >= 0", name="parts_not_negative"),
        CheckConstraint("seller_coins + sink_coins = price", name="parts_sum_to_price"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    item_key: Mapped[str] = mapped_column(String(80))
    seller_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    price: Mapped[int] = mapped_column(Integer)
    seller_coins: Mapped[int] = mapped_column(Integer, default=0)
    sink_coins: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    # Read-only, for the admin lists (they show and search the username).
    buyer = relationship("User", foreign_keys=[buyer_id], viewonly=True)
    seller = relationship("User", foreign_keys=[seller_id], viewonly=True)
