"""CoinPayments' current platform (API v2; COINPAYMENTS.md, "The current
platform"): invoices over a signed JSON REST API, reported by signed webhooks.

Requests and webhooks carry X-CoinPayments-Client, -Timestamp (UTC,
YYYY-MM-DDTHH:mm:ss) and -Signature = base64(HMAC-SHA256(client secret, UTF-8
BOM + method + full URL + client id + timestamp + the exact body)), as
CoinPaymentsNet/examples src/Helpers/ApiHelper.php computes it. The paths and
fields used, and where each was read: docs/payments.md ("Where the v2 facts
come from"). The same client talks to the real service and to the simulator.
"""
import base64
import hashlib
import hmac
import json
import os
import re
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from functools import cached_property
from urllib.parse import quote, urlencode

import requests

from ..errors import NotificationRefused, ProviderError, ProviderUnreachable
from ..models import COMPLETED, FAILED, PENDING
from ..settings import SIMULATOR_KEYS, SIMULATOR_PREFIX, public_url
from .base import NewPayment, Notification, PaymentStatus, Provider, ProviderCurrency, Trail

DEFAULT_API_URL = "https://api.coinpayments.com/api"
BOM = "\ufeff".encode("utf-8")  # EF BB BF, the first bytes of every signed message
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S"
CLIENT_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER = (
    "X-CoinPayments-Client", "X-CoinPayments-Timestamp", "X-CoinPayments-Signature")
# The invoice events the webhook of each invoice subscribes to.
EVENTS = ("invoiceCreated", "invoicePending", "invoicePaid", "invoiceCompleted", "invoiceCancelled", "invoiceTimedOut")
INVOICE_ID_RE = re.compile(r"^[A-Za-z0-9-]{1,128}$")
DEFAULT_TIMEOUT = 3600  # seconds, when an answer names no expiry

# Ids for our currency names when CoinPayments' list cannot be read (the list rules).
BUILTIN_CODES = {
    "BTC": "1",  # docs: currency schema example (id "1", BTC, Bitcoin)
    "LTCT": "1002",  # examples: src/examples/api_v2/create_invoice.php
    "USD": "5057",  # the same example
    "EUR": "5195",  # examples: dotnet/BuyNowButton
    "USDT.TRC20": "9:TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",  # examples: api_v2/create_invoice.php
    "USDT.ERC20": "4:0xdac17f958d2ee523a2206206994597c13d831ec7",  # docs: getFeesBlockchainById's id example
}
_NAMES = {code: ticker for ticker, code in BUILTIN_CODES.items()}

# Invoice states (`status` or `state`, any case) -> ours: credit on paid or
# completed, whichever comes first; cancelled or timed out fails a pending order.
_STATES = {
    "draft": PENDING, "scheduled": PENDING, "unpaid": PENDING, "pending": PENDING, "cancelling": PENDING,
    "paid": COMPLETED, "scheduledforpayout": COMPLETED, "completed": COMPLETED,
    "cancelled": FAILED, "timedout": FAILED, "deleted": FAILED,
}
_EVENT_STATES = {"invoicepending": "pending", "invoicepaid": "paid", "invoicecompleted": "completed",
                 "invoicecancelled": "cancelled", "invoicetimedout": "timedout"}
# Nothing to apply (orders start pending; a lapsed address precedes the invoice's timeout).
_IGNORED_EVENTS = {"invoicecreated", "paymentcreated", "paymenttimedout"}
_TEXTS = {
    "draft": "Draft", "scheduled": "Scheduled", "unpaid": "Waiting for your payment",
    "pending": "Payment seen on chain, waiting for confirmations", "cancelling": "Being cancelled",
    "paid": "Paid: all confirmations received", "scheduledforpayout": "Paid: scheduled for payout",
    "completed": "Complete", "cancelled": "Cancelled", "timedout": "Timed out", "deleted": "Deleted",
}


class CoinPaymentsV2Error(ProviderError):
    """The v2 API refused a call (its words are the message) or could not be reached."""


class CoinPaymentsV2Unreachable(CoinPaymentsV2Error, ProviderUnreachable):
    """The v2 API could not be reached (a network error or a timeout)."""


def sign(secret, method, url, client_id, timestamp, body=b""):
    """base64 HMAC-SHA256 of BOM + method + url + client id + timestamp + body."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    message = BOM + f"{method}{url}{client_id}{timestamp}".encode("utf-8") + body
    return base64.b64encode(hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()).decode("ascii")


def read_json(raw):
    """JSON, fractions as Decimal (never float); None if not JSON or nested too deep."""
    try:
        return json.loads(raw, parse_float=Decimal)
    except (ValueError, RecursionError):
        return None


class CoinPaymentsV2Client:
    def __init__(self, client_id, client_secret, api_url=DEFAULT_API_URL, timeout=20, session=None):
        if not client_id or not client_secret:
            raise CoinPaymentsV2Error("COINPAYMENTS_CLIENT_ID and COINPAYMENTS_CLIENT_SECRET are not configured")
        self.client_id, self.client_secret, self.api_url = client_id, client_secret, api_url.rstrip("/")
        self.timeout, self.http = timeout, session or requests.Session()

    def call(self, method, path, payload=None, query=None, missing_ok=False):
        """One signed call; the JSON answer (None for a 404 when `missing_ok`)."""
        url = self.api_url + path + (f"?{urlencode(query)}" if query else "")
        # The bytes signed are the bytes sent: serialise once, send those.
        body = b"" if payload is None else json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
        stamp = datetime.now(timezone.utc).strftime(TIMESTAMP_FORMAT)
        headers = {CLIENT_HEADER: self.client_id, TIMESTAMP_HEADER: stamp, "Accept": "application/json",
                   SIGNATURE_HEADER: sign(self.client_secret, method, url, self.client_id, stamp, body)}
        if body:
            headers["Content-Type"] = "application/json"
        try:
            response = self.http.request(method, url, data=body or None, headers=headers, timeout=self.timeout)
        except requests.RequestException as exc:
            raise CoinPaymentsV2Unreachable(f"CoinPayments could not be reached: {type(exc).__name__}") from None
        if response.status_code == 404 and missing_ok:
            return None
        answer = read_json(response.content) if response.content else None
        if not 200 <= response.status_code < 300:
            raise CoinPaymentsV2Error(f"CoinPayments answered HTTP {response.status_code}: {_problem(answer)}")
        return answer

    def create_invoice(self, payload):
        return self.call("POST", "/v2/merchant/invoices", payload)

    def payment_details(self, invoice_id, code):
        return self.call("GET", f"/v1/invoices/{quote(invoice_id)}/payment-currencies/{quote(code, safe=':')}")

    def invoice(self, invoice_id):
        return self.call("GET", f"/v2/merchant/invoices/{quote(invoice_id)}", missing_ok=True)

    def currencies(self):
        return self.call("GET", "/v1/currencies")


def _problem(answer):
    said = [answer.get(k) for k in ("detail", "title", "message", "error")] if isinstance(answer, dict) else []
    return next((x[:200] for x in said if isinstance(x, str) and x), "no reason given")


# ---------------------------------------------------------------- the provider

def payment_status(state, event=None, confirms=None, needed=None, received=None):
    """An invoice state (as CoinPayments spells it) -> a PaymentStatus."""
    key = (state or "").lower()
    target, text = _STATES[key], _TEXTS[key]
    if confirms is not None and target == PENDING and key == "pending":
        text += f" ({confirms}/{needed})" if needed else f" ({confirms} confirmations)"
    reason = f"{text} (CoinPayments {event or state})" if target == FAILED else None
    return PaymentStatus(target, None, text, received, confirms, reason=reason)


class CoinPaymentsV2(Provider):
    name = "coinpayments_v2"
    title = "CoinPayments (current platform)"
    signature_header = SIGNATURE_HEADER
    notify_path = "/webhooks/coinpayments"  # API.md, "CoinPayments, current platform"
    lookup_batch = 10  # one GET per invoice (no batch read): a poll run stays short
    has_currency_list = True

    @classmethod
    def defaults(cls):
        env = os.environ.get
        return {
            "COINPAYMENTS_CLIENT_ID": env("COINPAYMENTS_CLIENT_ID"),
            "COINPAYMENTS_CLIENT_SECRET": env("COINPAYMENTS_CLIENT_SECRET"),
            "COINPAYMENTS_V2_API_URL": env("COINPAYMENTS_V2_API_URL") or None,  # None: the real one (or simulator)
            "COINPAYMENTS_WEBHOOK_MAX_AGE": int(env("COINPAYMENTS_WEBHOOK_MAX_AGE", "300")),  # seconds; else replay
            # Empty: any sender; else only these (CoinPayments publishes its senders).
            "COINPAYMENTS_WEBHOOK_IPS": [x.strip() for x in env("COINPAYMENTS_WEBHOOK_IPS", "").split(",")
                                         if x.strip()],
        }

    @classmethod
    def configure(cls, config):
        if config.get("GOLDCOIN_PAYMENT_SIMULATOR"):
            for key in ("COINPAYMENTS_CLIENT_ID", "COINPAYMENTS_CLIENT_SECRET"):
                if not config.get(key):
                    config[key] = SIMULATOR_KEYS[key]
            if not config.get("COINPAYMENTS_V2_API_URL"):
                config["COINPAYMENTS_V2_API_URL"] = public_url(config) + SIMULATOR_PREFIX + "/api"
        if not config.get("COINPAYMENTS_V2_API_URL"):
            config["COINPAYMENTS_V2_API_URL"] = DEFAULT_API_URL

    @cached_property
    def client(self):  # built on first use: webhooks need no client
        c = self.config
        return CoinPaymentsV2Client(c.get("COINPAYMENTS_CLIENT_ID"), c.get("COINPAYMENTS_CLIENT_SECRET"),
                                    api_url=c["COINPAYMENTS_V2_API_URL"])

    def currency_list(self):
        answer = self.client.currencies()
        items = answer.get("items") if isinstance(answer, dict) else answer
        found = []
        for item in items if isinstance(items, list) else ():
            if not isinstance(item, dict) or str(item.get("status", "")).lower() == "deleted":
                continue
            symbol, code = _text(item.get("symbol")), _text(item.get("id"))
            if symbol and code:  # a documented id is our name whatever the list's symbol
                found.append(ProviderCurrency(_NAMES.get(code, symbol.upper()), code, _text(item.get("name")),
                                              _text(item.get("type"))))
        if not found:
            raise CoinPaymentsV2Error("CoinPayments answered an empty or unreadable currency list")
        return found

    def _codes(self, request, tickers):
        """Our names -> CoinPayments' ids: cached, else its list (read once), else built in."""
        codes, learned, listed, unread = dict(request.currency_codes), [], None, None
        for ticker in tickers:
            if codes.get(ticker):
                continue
            if listed is None:
                try:
                    listed = {c.ticker: c for c in reversed(self.currency_list())}  # its first of a name
                except ProviderError as exc:
                    listed, unread = {}, exc  # unreachable: the built-in ids still cover the usual coins
            if ticker.upper() in listed:
                learned.append(listed[ticker.upper()])
                codes[ticker] = learned[-1].code
            elif ticker.upper() in BUILTIN_CODES:
                codes[ticker] = BUILTIN_CODES[ticker.upper()]
            elif isinstance(unread, ProviderUnreachable):
                raise unread  # the id is missing because the list could not be read: say why
            else:
                raise CoinPaymentsV2Error(
                    f"CoinPayments has no currency id for {ticker} here; run `flask goldcoin refresh-currencies`")
        return codes, tuple(learned)

    def create_payment(self, request):
        codes, learned = self._codes(request, [request.currency, request.pay_currency])
        price, label = str(request.price), f"{request.total_coins} Gold Coins"
        payment = {"paymentCurrency": codes[request.pay_currency]}  # the address comes back with the invoice
        if request.buyer_email:
            payment["refundEmail"] = request.buyer_email
        answer = self.client.create_invoice({
            "clientId": self.client.client_id,
            "currency": codes[request.currency],
            "invoiceId": str(request.order_id),  # our reference: webhooks carry it back
            "description": label,
            "items": [{"customId": str(request.order_id), "name": label, "quantity": {"value": 1, "type": 2},
                       "amount": price}],
            "amount": {"breakdown": {"subtotal": price}, "total": price},
            # Sent back in notifications; returnUrl is where the simulator's checkout returns to.
            "customData": {"orderId": str(request.order_id), "userId": str(request.user_id),
                           "returnUrl": request.success_url},
            "payment": payment,
            "webhooks": [{"notificationsUrl": request.notify_url, "notifications": list(EVENTS)}],
            "hideShoppingCart": True,
        })
        try:
            invoice = answer["invoices"][0]
            invoice_id = str(invoice["id"])
            if not INVOICE_ID_RE.match(invoice_id):
                raise ValueError("id")
            details = invoice.get("hotWallet") or self.client.payment_details(invoice_id, codes[request.pay_currency])
            expires = _when(details.get("expires") or (invoice.get("payment") or {}).get("expires"))
            timeout = int((expires - datetime.now(timezone.utc)).total_seconds()) if expires else DEFAULT_TIMEOUT
            currency = details.get("currency") if isinstance(details.get("currency"), dict) else {}
            return NewPayment(
                txn_id=invoice_id,
                pay_amount=_amount(details["amount"]),
                address=str(details["addresses"]["address"]),
                timeout_seconds=max(timeout, 0),
                status=payment_status("unpaid"),
                confirms_needed=_int(currency.get("requiredConfirmations")) or 0,
                checkout_url=_text(invoice.get("checkoutLink") or invoice.get("link")),
                status_url=_text(invoice.get("link")),
                learned_currencies=learned,
            )
        except (KeyError, IndexError, TypeError, ValueError, AttributeError, InvalidOperation):
            raise CoinPaymentsV2Error("CoinPayments answered an invoice we cannot read") from None

    def read_notification(self, incoming):
        """In order, on the raw bytes: sender (if allow-listed), headers, body,
        client id, signature over the URL called, fresh timestamp; the payload."""
        raw, headers, config = incoming.body, incoming.headers, self.config
        data = read_json(raw) if raw else None
        data = data if isinstance(data, dict) else {}
        invoice = data.get("invoice") if isinstance(data.get("invoice"), dict) else {}
        trail = Trail(_text(data.get("id")), _text(invoice.get("id")), _text(data.get("type")))

        def refuse(reason, status=401):
            raise NotificationRefused(reason, status, trail)

        allowed = config.get("COINPAYMENTS_WEBHOOK_IPS") or ()
        if allowed and incoming.remote_addr not in allowed:
            refuse(f"sender {incoming.remote_addr} is not in COINPAYMENTS_WEBHOOK_IPS")
        signature, client_id, stamp = (headers.get(h) for h in (SIGNATURE_HEADER, CLIENT_HEADER, TIMESTAMP_HEADER))
        if not signature or not client_id or not stamp:
            refuse("no X-CoinPayments-Signature / -Client / -Timestamp header")
        if not raw:
            refuse("empty body", 400)
        ours, secret = config.get("COINPAYMENTS_CLIENT_ID"), config.get("COINPAYMENTS_CLIENT_SECRET")
        if not ours or not secret:
            refuse("COINPAYMENTS_CLIENT_ID / COINPAYMENTS_CLIENT_SECRET not configured")
        if not hmac.compare_digest(client_id.encode("utf-8", "replace"), ours.encode()):
            refuse("X-CoinPayments-Client is not our integration")
        expected = sign(secret, "POST", incoming.url, ours, stamp, raw)
        if not hmac.compare_digest(expected.encode(), signature.strip().encode("utf-8", "replace")):
            refuse("signature does not match")
        when = _when(stamp, TIMESTAMP_FORMAT)
        if when is None:
            refuse("X-CoinPayments-Timestamp is not YYYY-MM-DDTHH:mm:ss", 400)
        window = config.get("COINPAYMENTS_WEBHOOK_MAX_AGE", 300)
        if abs((datetime.now(timezone.utc) - when).total_seconds()) > window:
            refuse(f"timestamp {stamp} is more than {window}s from now (a replay?)")

        # Authentic from here on.
        if not data or not invoice or not INVOICE_ID_RE.match(_text(invoice.get("id")) or ""):
            refuse("not a webhook payload (no invoice id)", 400)
        event = _text(data.get("type")) or ""
        if event.lower() in _IGNORED_EVENTS:
            return Notification(trail, ignored=f"{event}: nothing to apply")
        state = _EVENT_STATES.get(event.lower()) or (_text(invoice.get("state") or invoice.get("status")) or "")
        if state.lower() not in _STATES:
            return Notification(trail, ignored=f"event {event!r} (state {state!r}) is not handled")
        amount = invoice.get("amount") if isinstance(invoice.get("amount"), dict) else {}
        currency = next((c for c in (amount.get("currency"), invoice.get("currency")) if isinstance(c, dict)), {})
        fields = {"invoiceId": _text(invoice.get("invoiceId")), "total": amount.get("total"),
                  "currency_id": _text(amount.get("currencyId") or currency.get("id")),
                  "currency_symbol": _text(currency.get("symbol"))}
        status = payment_status(state, event, *_progress(invoice))
        return Notification(trail, txn_id=_text(invoice["id"]), status=status, fields=fields)

    def mismatch(self, notification, order):
        """The invoice reference is our order id; its currency ours (where it
        names one we can compare); its total at least our price."""
        fields = notification.fields
        if fields.get("invoiceId") and fields["invoiceId"] != str(order.id):
            return "invoiceId does not match the order"
        symbol, code = fields.get("currency_symbol"), fields.get("currency_id")
        known = BUILTIN_CODES.get(order.currency.upper())
        if (symbol and symbol.upper() != order.currency.upper()) or (not symbol and code and known and code != known):
            return f"invoice currency {symbol or code} is not {order.currency}"
        if fields.get("total") is None:
            return "the invoice has no amount total"
        try:
            total = _amount(fields["total"])
        except (InvalidOperation, TypeError, ValueError, KeyError):
            return "amount total is not a number"
        # A total in minor units (as v1 payloads were) only ever reads larger:
        # this check can be lenient, never refuse a genuine payment.
        if total < order.price:
            return f"amount total {total} is below the price {order.price}"
        return None

    def look_up(self, txn_ids):
        said = {}
        for txn_id in txn_ids:
            invoice = self.client.invoice(txn_id)
            state = (_text(invoice.get("status") or invoice.get("state")) or "") if isinstance(invoice, dict) else ""
            # None (nothing usable): an invoice it does not know, or a state we do not.
            said[txn_id] = payment_status(state, None, *_progress(invoice)) if state.lower() in _STATES else None
        return said


def _progress(invoice):
    """(confirmations, required, received) of the invoice's latest payment, if it says."""
    payments = invoice.get("payments") if isinstance(invoice.get("payments"), list) else []
    payment = payments[-1] if payments and isinstance(payments[-1], dict) else {}
    wallet = payment.get("hotWallet") if isinstance(payment.get("hotWallet"), dict) else {}
    confirms = _int(payment.get("confirmations", wallet.get("confirmations")))
    needed = _int(payment.get("requiredConfirmations", wallet.get("requiredConfirmations")))
    try:
        received = _amount(payment["actualAmount"]) if payment.get("actualAmount") is not None else None
    except (InvalidOperation, TypeError, ValueError, KeyError):
        received = None
    return confirms, needed, received


def _amount(value):
    """A decimal amount: "0.5", 0.5 (read as Decimal), or a money object whose
    displayValue starts with the number ("0.1234 BTC"). Raises when it is none."""
    if isinstance(value, dict):
        value = value.get("displayValue") if value.get("displayValue") is not None else value["valueAsDecimal"]
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise TypeError("amount")
    result = Decimal(str(value).split()[0]) if str(value).strip() else Decimal("NaN")
    if not result.is_finite() or not 0 <= result < 10**15:  # what an amount column can hold
        raise InvalidOperation
    return result


def _when(value, fmt=None):
    """An aware UTC datetime from CoinPayments' ISO text (a naive one is UTC)."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.strptime(value, fmt) if fmt else datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _int(value):  # a count (confirmations) a column can hold, else None
    try:
        number = None if isinstance(value, bool) else int(value)
    except (TypeError, ValueError):
        return None
    return number if number is not None and 0 <= number < 2**31 else None


def _text(value):
    """A non-empty string (numbers, which some ids are, as text), else None."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    return str(value) or None
