"""Earning rules, boosters, daily counters, referrals and forum events."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
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


class EarningRule(db.Model):
    """What an activity pays. Admins edit these rows; award() reads them."""

    __tablename__ = "earning_rules"
    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint("daily_cap_coins IS NULL OR daily_cap_coins > 0", name="cap_coins_positive"),
        CheckConstraint("daily_cap_count IS NULL OR daily_cap_count > 0", name="cap_count_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    # Coins per award before boosters (rules with an amount per cause, such as
    # bounty and challenge, take the amount from the caller).
    amount: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    daily_cap_coins: Mapped[int | None] = mapped_column(Integer)
    daily_cap_count: Mapped[int | None] = mapped_column(Integer)
    # True: one payout per object across all members; False: one per (object, member).
    once_per_object: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    # post_quality: upvotes needed.
    threshold: Mapped[int | None] = mapped_column(Integer)
    # affiliate: share of bought coins (percent) and window after sign-up (days).
    share_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    window_days: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(255), default="", server_default="")

    def __str__(self):
        return self.code


class EarningSetting(db.Model):
    """Small named settings of the economy (see settings.DEFAULTS)."""

    __tablename__ = "earning_settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))


class BoosterCampaign(db.Model):
    """A global multiplier on some rules (all when `rules` is empty) for a time."""

    __tablename__ = "booster_campaigns"
    __table_args__ = (
        CheckConstraint("multiplier > 0", name="multiplier_positive"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    multiplier: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Comma-separated rule codes, e.g. "post_quality,solution"; empty = every rule.
    rules: Mapped[str] = mapped_column(String(255), default="", server_default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")

    def applies_to(self, rule_code):
        codes = [c.strip() for c in (self.rules or "").split(",") if c.strip()]
        return not codes or rule_code in codes

    def __str__(self):
        return f"{self.name} x{self.multiplier}"


class PersonalBooster(db.Model):
    """A member's own multiplier for a time (sold in the store)."""

    __tablename__ = "personal_boosters"
    __table_args__ = (CheckConstraint("multiplier > 0", name="multiplier_positive"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    multiplier: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # The cause of the grant (e.g. a redemption), so a retry grants once.
    key: Mapped[str] = mapped_column(String(200), unique=True)

    # Read-only, for the admin lists (they show and search the username).
    user = relationship("User", viewonly=True)


class EarningCounter(db.Model):
    """Coins and awards per member, rule and UTC day: the row the daily caps
    are enforced on with one conditional UPDATE."""

    __tablename__ = "earning_counters"
    __table_args__ = (UniqueConstraint("user_id", "rule_code", "day", name="uq_earning_counters_member_rule_day"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    rule_code: Mapped[str] = mapped_column(String(40))
    day: Mapped[date] = mapped_column(Date)
    coins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # What the last UPDATE granted (the caller reads it back with RETURNING).
    last_grant: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ReferralCode(db.Model):
    __tablename__ = "referral_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)


class Referral(db.Model):
    """Who brought whom. A member is referred at most once."""

    __tablename__ = "referrals"
    __table_args__ = (CheckConstraint("referrer_id <> referee_id", name="not_self"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referrer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    referee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    milestone_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    milestone: Mapped[str | None] = mapped_column(String(40))

    # Read-only, for the admin lists (they show and search the username).
    referrer = relationship("User", foreign_keys=[referrer_id], viewonly=True)
    referee = relationship("User", foreign_keys=[referee_id], viewonly=True)


class ExternalMember(db.Model):
    """A member of an existing forum, known to us by the forum's id."""

    __tablename__ = "external_members"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(120), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ExternalEvent(db.Model):
    """A forum event, processed at most once (its id is unique)."""

    __tablename__ = "external_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(120), unique=True)
    type: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    object_id: Mapped[str] = mapped_column(String(120))
    awarded: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str] = mapped_column(String(40), default="")
    payload: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    # Read-only, for the admin lists (they show and search the username).
    user = relationship("User", viewonly=True)
