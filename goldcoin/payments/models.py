"""Recharge packages, bonus tiers, orders, the IPN audit trail and providers' currency ids."""
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

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


class OrderStatus(StrEnum):
    """pending -> completed | failed | expired, never backwards; only
    `orders.transition` changes it. Stored as its string value."""

    PENDING = "pending"
    COMPLETED = "completed"
    FAILED = "failed"
    EXPIRED = "expired"


# Short names, used across the package and by the admin dashboard.
PENDING, COMPLETED, FAILED, EXPIRED = OrderStatus

# Fiat prices: up to 12 digits before the point, 2 after (CNY, USD).
Money = Numeric(14, 2)
# Crypto amounts: 8 decimals cover BTC satoshis and USDT's 6.
Crypto = Numeric(24, 8)


class RechargePackage(db.Model):
    __tablename__ = "recharge_packages"
    __table_args__ = (
        CheckConstraint("coins > 0", name="coins_positive"),
        CheckConstraint("price > 0", name="price_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    coins: Mapped[int] = mapped_column(Integer)
    # In the price currency setting (RECHARGE_PRICE_CURRENCY, CNY by default).
    price: Mapped[Decimal] = mapped_column(Money)
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")

    def __str__(self):
        return f"{self.coins} coins for {self.price}"


class BonusTier(db.Model):
    """Orders of at least `min_coins` coins get `percent`% extra coins."""

    __tablename__ = "recharge_bonus_tiers"
    __table_args__ = (
        CheckConstraint("min_coins > 0", name="min_coins_positive"),
        CheckConstraint("percent > 0 AND percent <= 100", name="percent_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    min_coins: Mapped[int] = mapped_column(Integer, unique=True)
    percent: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")

    def __str__(self):
        return f"+{self.percent}% from {self.min_coins} coins"


class RechargeOrder(db.Model):
    __tablename__ = "recharge_orders"
    __table_args__ = (
        CheckConstraint("coins > 0", name="coins_positive"),
        CheckConstraint("bonus_coins >= 0", name="bonus_not_negative"),
        CheckConstraint("price > 0", name="price_positive"),
        CheckConstraint(
            "status IN ('pending', 'completed', 'failed', 'expired')", name="status_known"
        ),
        Index("ix_recharge_orders_user", "user_id", "id"),
        Index("ix_recharge_orders_status", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    coins: Mapped[int] = mapped_column(Integer)
    bonus_coins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    price: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(10))
    pay_currency: Mapped[str] = mapped_column(String(20))
    pay_amount: Mapped[Decimal | None] = mapped_column(Crypto)
    # The registered provider that made the payment (providers.REGISTRY); it
    # settles the order whatever the configuration picks for new orders.
    provider: Mapped[str] = mapped_column(String(20), default="coinpayments")
    txn_id: Mapped[str | None] = mapped_column(String(128), unique=True)
    address: Mapped[str | None] = mapped_column(String(200))
    dest_tag: Mapped[str | None] = mapped_column(String(64))
    confirms_needed: Mapped[int | None] = mapped_column(Integer)
    timeout_seconds: Mapped[int | None] = mapped_column(Integer)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    checkout_url: Mapped[str | None] = mapped_column(String(500))
    status_url: Mapped[str | None] = mapped_column(String(500))
    qrcode_url: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), default=PENDING.value, server_default=PENDING.value)
    # What the provider last said (its numeric code and text), for the checkout page.
    provider_status: Mapped[int | None] = mapped_column(Integer)
    provider_status_text: Mapped[str | None] = mapped_column(String(255))
    received_amount: Mapped[Decimal | None] = mapped_column(Crypto)
    received_confirms: Mapped[int | None] = mapped_column(Integer)
    failure_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_polled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    user = relationship("User")

    @property
    def total_coins(self):
        return self.coins + (self.bonus_coins or 0)

    def __str__(self):
        return f"order {self.id} ({self.coins} coins, {self.status})"


class IpnRecord(db.Model):
    """Every IPN that reached us, authentic or not, with what we made of it."""

    __tablename__ = "ipn_records"
    __table_args__ = (
        Index("ix_ipn_records_txn", "txn_id"),
        Index("ix_ipn_records_order", "order_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    remote_addr: Mapped[str | None] = mapped_column(String(64))
    raw_body: Mapped[str] = mapped_column(Text, default="")
    hmac_header: Mapped[str | None] = mapped_column(String(256))
    ipn_id: Mapped[str | None] = mapped_column(String(128))
    txn_id: Mapped[str | None] = mapped_column(String(128))
    status: Mapped[str | None] = mapped_column(String(16))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("recharge_orders.id"))
    # applied | unchanged | stale | ignored | refused
    verdict: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(255))
    http_status: Mapped[int] = mapped_column(Integer)


class PaymentCurrency(db.Model):
    """A currency as a provider names it (CoinPayments v2: numeric ids such as
    "1002", or "9:<contract>" for tokens), cached from its currency list, and
    whether admins offer it for that provider's new orders."""

    __tablename__ = "payment_currencies"
    __table_args__ = (UniqueConstraint("provider", "ticker", name="uq_payment_currencies_provider_ticker"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    ticker: Mapped[str] = mapped_column(String(20))  # our name: USDT.TRC20, CNY
    code: Mapped[str | None] = mapped_column(String(128))  # the provider's id; None: not in its list
    name: Mapped[str | None] = mapped_column(String(100))
    kind: Mapped[str | None] = mapped_column(String(20))  # crypto | token | fiat
    # list: read from the provider's currency list; builtin: our default id (list unreachable)
    source: Mapped[str] = mapped_column(String(10), default="list")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    refreshed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    def __str__(self):
        return f"{self.ticker} ({self.provider}: {self.code or 'no id'})"
