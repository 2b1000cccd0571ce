"""A client for CoinPayments' legacy merchant API (api.php).

Form-encoded POST; header `HMAC` = lowercase hex HMAC-SHA512 of the exact body
bytes, keyed with the private API key. Every answer is JSON
`{"error": "ok", "result": ...}`; any other `error` text is a failure and is
raised as CoinPaymentsError carrying that text. The same client talks to the
real service and to goldcoin.payments.simulator; only the URL and keys differ.
"""
import hashlib
import hmac
import threading
import time
from urllib.parse import urlencode

import requests

DEFAULT_API_URL = "https://www.coinpayments.net/api.php"


class CoinPaymentsError(Exception):
    """CoinPayments refused the call (its error text is the message) or could not be reached."""

    def __init__(self, message, *, command=None):
        super().__init__(message)
        self.message = message
        self.command = command


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
            raise CoinPaymentsError(f"CoinPayments could not be reached: {type(exc).__name__}", command=command) from None
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
