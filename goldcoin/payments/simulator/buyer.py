"""What the buyer and CoinPayments do to a simulated transaction: pay,
underpay, time out, and the signed IPNs each step sends to the shop (plus
stale, duplicate, out-of-order and forged ones, for tests). A mixin of
`Simulator`, which holds the transactions (`self.tx`, `self.lock`)."""
import hashlib
import hmac
import logging
import secrets
import time
from decimal import Decimal
from urllib.parse import urlencode

import requests

log = logging.getLogger(__name__)

USER_AGENT = "CoinPayments.net IPN Generator"


def sign(secret, body):
    return hmac.new(secret.encode(), body, hashlib.sha512).hexdigest()


def fmt(value):
    return format(value.normalize(), "f") if value else "0"


class BuyerActions:
    def ipn_body(self, tx, status, status_text, *, merchant=None, overrides=None, drop=()):
        """Build one IPN body (bytes) the way CoinPayments does."""
        fields = {
            "amount1": fmt(tx.amount1),
            "amount2": fmt(tx.amount2),
            "buyer_name": tx.fields.get("buyer_name", ""),
            "currency1": tx.currency1,
            "currency2": tx.currency2,
            "custom": tx.fields.get("custom", ""),
            "email": tx.fields.get("buyer_email", ""),
            "fee": fmt((tx.amount2 * Decimal("0.005")).quantize(Decimal("0.00000001"))),
            "invoice": tx.fields.get("invoice", ""),
            "ipn_id": secrets.token_hex(16),
            "ipn_mode": "hmac",
            "ipn_type": "api",
            "ipn_version": "1.0",
            "item_name": tx.fields.get("item_name", ""),
            "item_number": tx.fields.get("item_number", ""),
            "merchant": merchant if merchant is not None else tx.account.merchant_id,
            "received_amount": fmt(tx.received),
            "received_confirms": str(tx.confirms),
            "status": str(status),
            "status_text": status_text,
            "txn_id": tx.txn_id,
        }
        if status >= 100:
            fields["net"] = fmt(tx.amount2 - Decimal(fields["fee"]))
        fields.update({k: str(v) for k, v in (overrides or {}).items()})
        for name in drop:
            fields.pop(name, None)
        return urlencode(sorted(fields.items())).encode("utf-8")

    def post_ipn(self, tx, body, *, secret=None, signature=None, headers=None):
        """POST one IPN body to the transaction's ipn_url; returns (http_status, text)."""
        sig = signature if signature is not None else sign(secret or tx.account.ipn_secret, body)
        send_headers = {
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            "User-Agent": USER_AGENT,
        }
        if sig:
            send_headers["HMAC"] = sig
        send_headers.update(headers or {})
        url = tx.fields.get("ipn_url")
        if not url:
            return None, "no ipn_url"
        try:
            # One request per IPN (no shared Session): deliveries run on many threads.
            response = requests.post(url, data=body, headers=send_headers, timeout=self.ipn_timeout)
            result = (response.status_code, response.text)
        except requests.RequestException as exc:
            log.warning("IPN to %s failed: %s", url, exc)
            result = (None, str(exc))
        with self.lock:
            tx.sent.append((body, sig, result[0]))
        return result

    def _set(self, tx, status, text, received=None, confirms=None):
        with self.lock:
            tx.status, tx.status_text = status, text
            if received is not None:
                tx.received = received
            if confirms is not None:
                tx.confirms = confirms
            if status >= 100 and not tx.completed:
                tx.completed = int(time.time())

    def send_status(self, txn_id, status, status_text=None, *, secret=None, merchant=None, overrides=None,
                    drop=(), signature=None):
        """Send one IPN for `status` WITHOUT changing the transaction (stale,
        duplicate or forged messages). Returns (http_status, text)."""
        tx = self.tx(txn_id)
        body = self.ipn_body(tx, status, status_text or _TEXTS.get(status, "Status"), merchant=merchant,
                             overrides=overrides, drop=drop)
        return self.post_ipn(tx, body, secret=secret, signature=signature)

    def pay_in_full(self, txn_id, deliver=True):
        """The typical life: 0 (received, waiting for confirms), 1, 100. Returns
        the (http_status, text) of each IPN sent."""
        tx = self.tx(txn_id)
        steps = [
            (0, f"Waiting for buyer funds... ({fmt(tx.amount2)}/{fmt(tx.amount2)} received, waiting for confirms...)",
             tx.amount2, 0),
            (1, "Funds received and confirmed, sending to you shortly...", tx.amount2, tx.confirms_needed),
            (100, "Complete", tx.amount2, tx.confirms_needed),
        ]
        results = []
        for status, text, received, confirms in steps:
            self._set(tx, status, text, received, confirms)
            if deliver:
                results.append(self.post_ipn(tx, self.ipn_body(tx, status, text)))
        return results

    def underpay(self, txn_id, fraction=Decimal("0.5"), deliver=True):
        tx = self.tx(txn_id)
        received = (tx.amount2 * Decimal(fraction)).quantize(Decimal("0.00000001"))
        text = f"Waiting for buyer funds... ({fmt(received)}/{fmt(tx.amount2)} received)"
        self._set(tx, 0, text, received, 0)
        return [self.post_ipn(tx, self.ipn_body(tx, 0, text))] if deliver else []

    def time_out(self, txn_id, deliver=True):
        tx = self.tx(txn_id)
        self._set(tx, -1, "Cancelled / Timed Out")
        return [self.post_ipn(tx, self.ipn_body(tx, -1, "Cancelled / Timed Out"))] if deliver else []

    def replay_out_of_order(self, txn_id):
        """Resend every IPN sent so far, newest first (the same signed bytes)."""
        tx = self.tx(txn_id)
        with self.lock:
            sent = list(tx.sent)
        seen, results = set(), []
        for body, sig, _ in reversed(sent):
            if body in seen:
                continue
            seen.add(body)
            results.append(self.post_ipn(tx, body, signature=sig))
        return results


_TEXTS = {
    0: "Waiting for buyer funds...",
    1: "Funds received and confirmed, sending to you shortly...",
    2: "Queued for nightly payout",
    100: "Complete",
    -1: "Cancelled / Timed Out",
    -2: "Refunded / Reversed",
}
