"""CoinPayments' legacy platform (COINPAYMENTS.md): the api.php client and the
provider that speaks it, with its signed IPNs.

The client: form-encoded POST; header `HMAC` = lowercase hex HMAC-SHA512 of
the exact body bytes, keyed with the private API key. Every answer is JSON
`{"error": "ok", "result": ...}`; any other `error` text is a failure and is
raised as CoinPaymentsError carrying that text. The same client talks to the
real service and to goldcoin.payments.simulator; only the URL and keys differ.
"""
import hashlib
import hmac
import os
import re
import threading
import time
from decimal import Decimal, InvalidOperation
from functools import cached_property
from urllib.parse import parse_qs, urlencode

import requests

from ..errors import NotificationRefused, ProviderError, ProviderUnreachable
from ..models import COMPLETED, FAILED, PENDING
from ..settings import SIMULATOR_KEYS, SIMULATOR_PREFIX, public_url
from .base import NewPayment, Notification, PaymentStatus, Provider, Trail

DEFAULT_API_URL = "https://www.coinpayments.net/api.php"
TXN_ID_RE = re.compile(r"^[A-Za-z0-9-]{1,128}$")


class CoinPaymentsError(ProviderError):
    """CoinPayments refused the call (its error text is the message) or could not be reached."""

    def __init__(self, message, *, command=None):
        super().__init__(message)
        self.command = command


class CoinPaymentsUnreachable(CoinPaymentsError, ProviderUnreachable):
    """CoinPayments could not be reached (a network error or a timeout)."""


def sign(secret, body):
    """Lowercase hex HMAC-SHA512 of `body` (bytes or str) keyed with `secret`."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    if isinstance(secret, str):
        secret = secret.encode("utf-8")
    return hmac.new(secret, body, hashlib.sha512).hexdigest()


def encode_form(fields):
    """The form body, values as strings, in the order given."""
    return urlencode([(k, str(v)) for k, v in fields])


# Nonces must rise across calls (and processes): microseconds since the epoch,
# bumped past the last one handed out in this process.
_last_nonce = [0]
_nonce_lock = threading.Lock()


def _nonce():
    with _nonce_lock:
        value = max(int(time.time() * 1_000_000), _last_nonce[0] + 1)
        _last_nonce[0] = value
        return value


class CoinPaymentsClient:
    def __init__(self, public_key, private_key, api_url=DEFAULT_API_URL, timeout=20, session=None):
        if not public_key or not private_key:
            raise CoinPaymentsError("COINPAYMENTS_PUBLIC_KEY and COINPAYMENTS_PRIVATE_KEY are not configured")
        self.public_key = public_key
        self.private_key = private_key
        self.api_url = api_url
        self.timeout = timeout
        self.http = session or requests.Session()

    def call(self, command, **params):
        fields = [("version", "1"), ("cmd", command), ("key", self.public_key), ("format", "json"), ("nonce", _nonce())]
        fields += [(k, v) for k, v in params.items() if v is not None]
        body = encode_form(fields)
        headers = {
            "HMAC": sign(self.private_key, body),
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        }
        try:
            response = self.http.post(self.api_url, data=body.encode("utf-8"), headers=headers, timeout=self.timeout)
        except requests.RequestException as exc:
            raise CoinPaymentsUnreachable(f"CoinPayments could not be reached: {type(exc).__name__}", command=command) from None
        try:
            answer = response.json()
        except ValueError:
            raise CoinPaymentsError(
                f"CoinPayments answered HTTP {response.status_code} without JSON", command=command
            ) from None
        if not isinstance(answer, dict) or "error" not in answer:
            raise CoinPaymentsError("CoinPayments answered an unexpected shape", command=command)
        if answer["error"] != "ok":
            raise CoinPaymentsError(str(answer["error"]), command=command)
        return answer.get("result")

    def create_transaction(self, *, amount, currency1, currency2, buyer_email, **optional):
        """Create a payment; returns the result dict (amount, address, txn_id, ...)."""
        return self.call(
            "create_transaction",
            amount=amount,
            currency1=currency1,
            currency2=currency2,
            buyer_email=buyer_email,
            **optional,
        )

    def get_tx_info(self, txid, full=False):
        return self.call("get_tx_info", txid=txid, full="1" if full else None)

    def get_tx_info_multi(self, txids):
        """Up to 25 transactions at once: {txid: {..., "error": "ok"}}."""
        txids = list(txids)
        if not 0 < len(txids) <= 25:
            raise ValueError("get_tx_info_multi takes 1 to 25 txids")
        return self.call("get_tx_info_multi", txid="|".join(txids))

    def rates(self, short=True, accepted=None):
        return self.call("rates", short="1" if short else None, accepted=accepted)


# ---------------------------------------------------------------- the provider

def target_status(code):
    """CoinPayments' status code -> our status (COINPAYMENTS.md's table)."""
    if code >= 100 or code == 2:
        return COMPLETED
    if code < 0:
        return FAILED
    return PENDING


def payment_status(code, text=None, received=None, confirms=None, coin=None):
    target = target_status(code)
    reason = f"{text or 'status ' + str(code)} (CoinPayments status {code})" if target == FAILED else None
    return PaymentStatus(target, code, text, received, confirms, pay_currency=coin, reason=reason)


class CoinPaymentsLegacy(Provider):
    name = "coinpayments"
    title = "CoinPayments"
    signature_header = "HMAC"
    lookup_batch = 25  # get_tx_info_multi's limit

    @classmethod
    def defaults(cls):
        env = os.environ.get
        return {
            "COINPAYMENTS_API_URL": env("COINPAYMENTS_API_URL") or None,  # None: real endpoint (or the simulator)
            "COINPAYMENTS_PUBLIC_KEY": env("COINPAYMENTS_PUBLIC_KEY"),
            "COINPAYMENTS_PRIVATE_KEY": env("COINPAYMENTS_PRIVATE_KEY"),
            "COINPAYMENTS_IPN_SECRET": env("COINPAYMENTS_IPN_SECRET"),
            "COINPAYMENTS_MERCHANT_ID": env("COINPAYMENTS_MERCHANT_ID"),
        }

    @classmethod
    def configure(cls, config):
        if config.get("GOLDCOIN_PAYMENT_SIMULATOR"):
            # The demo's mounted simulator: the client is pointed at it, with its keys.
            for key, value in SIMULATOR_KEYS.items():
                if not config.get(key):
                    config[key] = value
            if not config.get("COINPAYMENTS_API_URL"):
                config["COINPAYMENTS_API_URL"] = public_url(config) + SIMULATOR_PREFIX + "/api.php"
        if not config.get("COINPAYMENTS_API_URL"):
            config["COINPAYMENTS_API_URL"] = DEFAULT_API_URL

    @cached_property
    def client(self):
        """Built on first use: notifications need no API keys, only the IPN secret."""
        config = self.config
        return CoinPaymentsClient(
            config.get("COINPAYMENTS_PUBLIC_KEY"),
            config.get("COINPAYMENTS_PRIVATE_KEY"),
            api_url=config["COINPAYMENTS_API_URL"],
        )

    def create_payment(self, request):
        result = self.client.create_transaction(
            amount=str(request.price),
            currency1=request.currency,
            currency2=request.pay_currency,
            buyer_email=request.buyer_email,
            buyer_name=request.buyer_name,
            item_name=f"{request.total_coins} Gold Coins",
            item_number=str(request.coins),
            invoice=str(request.order_id),
            custom=str(request.user_id),
            ipn_url=request.notify_url,
            success_url=request.success_url,
            cancel_url=request.cancel_url,
        )
        try:
            txn_id = str(result["txn_id"])
            if not TXN_ID_RE.match(txn_id):
                raise ValueError("txn_id")
            return NewPayment(
                txn_id=txn_id,
                pay_amount=Decimal(str(result["amount"])),
                address=str(result["address"]),
                timeout_seconds=int(result["timeout"]),
                status=payment_status(0, "Waiting for buyer funds...", Decimal(0), 0),
                dest_tag=str(result["dest_tag"]) if result.get("dest_tag") else None,
                confirms_needed=int(str(result.get("confirms_needed") or 0)),
                checkout_url=result.get("checkout_url") or None,
                status_url=result.get("status_url") or None,
                qrcode_url=result.get("qrcode_url") or None,
            )
        except (KeyError, TypeError, ValueError, InvalidOperation):
            raise CoinPaymentsError(
                "the payment provider answered something we cannot read", command="create_transaction"
            ) from None

    def read_notification(self, incoming):
        """COINPAYMENTS.md's checks up to the HMAC, in its order, on the raw bytes.
        The checks against the order come after it is found (`mismatch`)."""
        raw = incoming.body
        try:
            fields = _single_values(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise NotificationRefused(f"malformed body: {exc}") from None
        trail = Trail(fields.get("ipn_id"), fields.get("txn_id"), fields.get("status"))
        signature = incoming.headers.get(self.signature_header)

        # 1. ipn_mode; 2. HMAC header; 3. body; 4. merchant; 5. HMAC.
        if fields.get("ipn_mode") != "hmac":
            raise NotificationRefused("ipn_mode is not hmac", 400, trail)
        if not signature:
            raise NotificationRefused("no HMAC header", 403, trail)
        if not raw:
            raise NotificationRefused("empty body", 400, trail)
        merchant, secret = self.config.get("COINPAYMENTS_MERCHANT_ID"), self.config.get("COINPAYMENTS_IPN_SECRET")
        if not merchant or not secret:
            raise NotificationRefused(
                "COINPAYMENTS_MERCHANT_ID / COINPAYMENTS_IPN_SECRET not configured", 403, trail)
        if not hmac.compare_digest(fields.get("merchant", "").encode(), merchant.encode()):
            raise NotificationRefused("merchant is not ours", 403, trail)
        if not hmac.compare_digest(sign(secret, raw).encode(), signature.strip().lower().encode("utf-8", "replace")):
            raise NotificationRefused("HMAC signature does not match", 403, trail)

        # Authentic from here on.
        if fields.get("ipn_type") != "api":
            return Notification(trail, ignored=f"ipn_type {fields.get('ipn_type')!r} is not handled")
        try:
            status = payment_status(
                int(fields.get("status", "")),
                fields.get("status_text"),
                _decimal_or_none(fields.get("received_amount")),
                _int_or_none(fields.get("received_confirms")),
            )
        except ValueError:
            status = None  # refused by `mismatch`, after the order checks, as COINPAYMENTS.md orders them
        return Notification(trail, txn_id=fields.get("txn_id", ""), status=status, fields=fields)

    def mismatch(self, notification, order):
        """6. (the order is ours), the invoice; 7. price currency; 8. amount1 at
        least our price (never amount2: it includes fees); the status a number."""
        fields = notification.fields
        if fields.get("invoice") and fields["invoice"] != str(order.id):
            return "invoice does not match the order"
        if fields.get("currency1", "").upper() != order.currency.upper():
            return f"currency1 {fields.get('currency1')!r} is not {order.currency}"
        try:
            amount1 = Decimal(fields.get("amount1", ""))
            if not amount1.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            return "amount1 is not a number"
        if amount1 < order.price:
            return f"amount1 {amount1} is below the price {order.price}"
        if notification.status is None:
            return "status is not an integer"
        return None

    def look_up(self, txn_ids):
        answers = self.client.get_tx_info_multi(txn_ids)
        if not isinstance(answers, dict):
            answers = {}
        return {txn_id: _tx_info_status(answers.get(txn_id)) for txn_id in txn_ids}


def _tx_info_status(info):
    """One get_tx_info answer as a PaymentStatus (None: nothing usable in it)."""
    if not isinstance(info, dict) or info.get("error", "ok") != "ok":
        return None
    try:
        code = int(str(info["status"]))
    except (KeyError, ValueError):
        return None
    coin = str(info["coin"]) if info.get("coin") is not None else None
    return payment_status(
        code,
        info.get("status_text"),
        _decimal_or_none(info.get("receivedf")),
        _int_or_none(info.get("recv_confirms")),
        coin,
    )


def _single_values(raw_text):
    parsed = parse_qs(raw_text, keep_blank_values=True)
    if any(len(v) != 1 for v in parsed.values()):
        raise ValueError("a field appears twice")
    return {k: v[0] for k, v in parsed.items()}


def _decimal_or_none(value):
    try:
        result = Decimal(value)
        return result if result.is_finite() else None
    except (InvalidOperation, TypeError):
        return None


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
