"""The small interface every payment provider speaks, and the plain values
that cross it. A provider knows its own wire format (form or JSON, which
signature, which status codes) and nothing of the database: orders, the
status machine, crediting and the audit stay in the payments package.

A provider is built from the app's config for each use (`cls(config)`), so it
holds no state between requests. Its calls:

- `create_payment(request)` -> `NewPayment`, or raises `ProviderError`.
  Called with no database transaction open.
- `read_notification(incoming)` -> `Notification`: verify what the provider
  POSTed to its `notify_path` (on the raw bytes, in constant time) and parse
  it; raises `NotificationRefused` (400 malformed, 401/403 not authentic).
- `mismatch(notification, order)` -> why an authentic notification does not
  fit the order it names (None when it fits), e.g. a price below ours.
- `look_up(txn_ids)` -> `{txn_id: PaymentStatus or None}` for the poller, at
  most `lookup_batch` ids at once; raises `ProviderError`.
- `currency_list()` -> [`ProviderCurrency`], only for providers that name
  currencies by ids of their own (`has_currency_list`); raises `ProviderError`.

Added for CoinPayments' current platform (v2), which the first shape did not
fit: its webhooks have a path of their own in the public contract
(`notify_path`, API.md: `/webhooks/coinpayments`), it names currencies by
numeric ids (`currency_list`, `PaymentRequest.currency_codes`,
`NewPayment.learned_currencies`: the package caches the ids in the database,
so the provider still knows nothing of it), and its signature covers the URL
it called (`Incoming.url` is that public URL, not the one a proxy forwarded).
"""
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Mapping

from ..models import OrderStatus


@dataclass(frozen=True)
class PaymentRequest:
    """One payment the shop asks for: plain values read from the order before
    its transaction ended, so nothing touches the database during the call."""

    order_id: int  # our invoice number
    user_id: int
    coins: int
    total_coins: int
    price: Decimal
    currency: str  # the price currency (CNY, USD)
    pay_currency: str  # what the buyer pays with (USDT.TRC20)
    buyer_email: str
    buyer_name: str | None
    notify_url: str  # where the provider POSTs its notifications
    success_url: str
    cancel_url: str
    # Our currency names (CNY, USDT.TRC20) -> the provider's ids for them, as
    # the package has them cached; empty for providers that take our names.
    currency_codes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ProviderCurrency:
    """One currency as a provider names it: `ticker` is our name (USDT.TRC20),
    `code` the provider's id for it ("9:TR7NHq..." on CoinPayments v2)."""

    ticker: str
    code: str
    name: str | None = None
    kind: str | None = None  # crypto | token | fiat, as the provider says


@dataclass(frozen=True)
class PaymentStatus:
    """What a provider says of a payment, mapped to our status: PENDING means
    progress only (nothing to credit), COMPLETED credit, FAILED credit nothing."""

    target: OrderStatus
    code: int | None = None  # the provider's own status code, if it has numbers
    text: str | None = None  # its words, shown on the checkout page
    received: Decimal | None = None  # in the pay currency
    confirms: int | None = None
    pay_currency: str | None = None  # the coin it says the payment is in, if it says
    reason: str | None = None  # why it failed (kept as the order's failure_reason)


@dataclass(frozen=True)
class NewPayment:
    """What the provider answered to `create_payment`, already checked."""

    txn_id: str  # its id of the payment; unique; matches notifications to orders
    pay_amount: Decimal
    address: str
    timeout_seconds: int
    status: PaymentStatus
    dest_tag: str | None = None
    confirms_needed: int = 0
    checkout_url: str | None = None
    status_url: str | None = None
    qrcode_url: str | None = None
    # Currency ids the provider had to look up during the call (not in
    # `currency_codes`), for the package to cache.
    learned_currencies: tuple[ProviderCurrency, ...] = ()


@dataclass(frozen=True)
class Incoming:
    """A notification as it reached us: the exact bytes, never a re-encoding."""

    body: bytes
    headers: Mapping[str, str]
    # The full URL as the sender called it: GOLDCOIN_PUBLIC_URL + path, not the
    # URL a reverse proxy forwarded to (webhook signatures cover this one).
    url: str
    remote_addr: str | None = None


@dataclass(frozen=True)
class Trail:
    """What the audit keeps of a notification, read before it is trusted."""

    event_id: str | None = None  # CoinPayments' ipn_id: new for every status change
    txn_id: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class Notification:
    """An authentic notification. `status` None with `ignored` set: nothing in
    it for us (answered 200 so that it is not sent again)."""

    trail: Trail
    txn_id: str | None = None
    status: PaymentStatus | None = None
    ignored: str | None = None
    fields: Mapping[str, str] = field(default_factory=dict)  # the provider's own, for `mismatch`


class Provider:
    """Base of every provider; subclasses set the class attributes and
    implement the four calls (see the module docstring)."""

    name = ""  # stored on RechargeOrder.provider
    title = ""  # shown to admins
    signature_header = ""  # the header notifications are signed in (audited as sent)
    lookup_batch = 25  # the most ids `look_up` takes at once
    notify_path = None  # where its notifications arrive; None: /ipn/<name>
    has_currency_list = False  # names currencies by ids of its own (see currency_list)

    def __init__(self, config):
        self.config = config

    @classmethod
    def defaults(cls):
        """Settings this provider reads, with their defaults (from the environment)."""
        return {}

    @classmethod
    def configure(cls, config):
        """Adjust the app's config once the defaults are in (e.g. point at the simulator)."""

    def create_payment(self, request: PaymentRequest) -> NewPayment:
        raise NotImplementedError

    def read_notification(self, incoming: Incoming) -> Notification:
        raise NotImplementedError

    def mismatch(self, notification: Notification, order) -> str | None:
        raise NotImplementedError

    def look_up(self, txn_ids) -> dict:
        raise NotImplementedError

    def currency_list(self) -> list:
        return []
