"""What the buyer and CoinPayments' current platform do to a simulated
invoice: pay (seen on chain, each confirmation, paid, completed), underpay,
time out, cancel, and the signed webhook each state change sends to the
invoice's notificationsUrl; plus duplicated, reordered, stale and forged
deliveries for tests. A mixin of `InvoicePlatform` (v2.py), which holds the
invoices (`self.invoices`, `self.lock`)."""
import base64
import hashlib
import hmac
import json
import logging
import uuid
from datetime import datetime, timezone
from decimal import Decimal
from urllib.parse import urlsplit

import requests

log = logging.getLogger(__name__)


def sign(secret, method, url, client_id, timestamp, body):
    """CoinPayments' webhook signature, computed here independently of the shop's code."""
    message = ("\ufeff" + method + url + client_id + timestamp).encode("utf-8") + body
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


def now_stamp():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


class InvoiceBuyerActions:
    def webhook_body(self, invoice, event, overrides=None):
        """One webhook body (bytes): event id, type, timestamp and the invoice as it is now."""
        payload = {
            "id": uuid.uuid4().hex,
            "type": event,
            "timestamp": datetime.now(timezone.utc).isoformat(timespec="microseconds"),
            "invoice": self.invoice_json(invoice),
        }
        for path, value in (overrides or {}).items():  # "invoice.amount.total": "1.00"
            *parents, last = path.split(".")
            target = payload
            for key in parents:
                target = target[key]
            target[last] = value
        return json.dumps(payload, separators=(",", ":")).encode("utf-8")

    def post_webhook(self, invoice, body, *, client_id=None, secret=None, timestamp=None, signature=None,
                     signed_url=None, drop=(), record=True):
        """POST one webhook body to the invoice's notificationsUrl, signed over
        that URL (or `signed_url`); returns (http_status, text). With
        `proxy_origin` set it goes there instead, the signature unchanged."""
        url = invoice.webhook.get("notificationsUrl")
        if not url:
            return None, "no notificationsUrl"
        integration = invoice.integration
        client_id = client_id if client_id is not None else integration.client_id
        timestamp = timestamp or now_stamp()
        if signature is None:
            signature = sign(secret or integration.client_secret, "POST", signed_url or url, client_id, timestamp, body)
        headers = {"Content-Type": "application/json", "X-CoinPayments-Client": client_id,
                   "X-CoinPayments-Timestamp": timestamp, "X-CoinPayments-Signature": signature}
        for name in drop:
            headers.pop(name, None)
        target = url
        if self.proxy_origin:
            parts = urlsplit(url)
            target = self.proxy_origin.rstrip("/") + parts.path + (f"?{parts.query}" if parts.query else "")
        try:
            # One request per webhook (no shared Session): deliveries run on many threads.
            response = requests.post(target, data=body, headers=headers, timeout=self.webhook_timeout)
            result = (response.status_code, response.text)
        except requests.RequestException as exc:
            log.warning("webhook to %s failed: %s", target, exc)
            result = (None, str(exc))
        if record:
            with self.lock:
                invoice.sent.append((body, result[0]))
        return result

    def send_event(self, invoice_id, event, *, state=None, overrides=None, **post):
        """Send one webhook for `event` WITHOUT changing the invoice (stale,
        duplicate or forged messages); `state` shows the invoice in another
        state inside it. Returns (http_status, text)."""
        invoice = self.invoice(invoice_id)
        with self.lock:
            kept = invoice.state
            invoice.state = state or kept
            body = self.webhook_body(invoice, event, overrides)
            invoice.state = kept
        return self.post_webhook(invoice, body, **post)

    def _step(self, invoice, event, state, received=None, confirms=None, deliver=True):
        with self.lock:
            invoice.state = state
            if received is not None:
                invoice.received = received
            if confirms is not None:
                invoice.confirms = confirms
            body = self.webhook_body(invoice, event)
        subscribed = invoice.webhook.get("notifications")
        if not deliver or (isinstance(subscribed, list) and event not in subscribed):
            return None
        return self.post_webhook(invoice, body)

    def pay_in_full(self, invoice_id, deliver=True):
        """Seen on chain (invoicePending on each confirmation), then invoicePaid
        (all confirmations, funds obtained), then invoiceCompleted (in the
        merchant's balance). Returns the (http_status, text) of each webhook."""
        invoice = self.invoice(invoice_id)
        needed = max(invoice.pay[4], 1)
        results = [self._step(invoice, "invoicePending", "pending", invoice.pay_amount, n, deliver)
                   for n in range(1, needed)]
        results.append(self._step(invoice, "invoicePaid", "paid", invoice.pay_amount, needed, deliver))
        results.append(self._step(invoice, "invoiceCompleted", "completed", deliver=deliver))
        return [r for r in results if r is not None]

    def underpay(self, invoice_id, fraction=Decimal("0.5"), deliver=True):
        invoice = self.invoice(invoice_id)
        received = (invoice.pay_amount * Decimal(fraction)).quantize(Decimal("0.00000001"))
        result = self._step(invoice, "invoicePending", "pending", received, 1, deliver)
        return [result] if result else []

    def time_out(self, invoice_id, deliver=True):
        result = self._step(self.invoice(invoice_id), "invoiceTimedOut", "timedOut", deliver=deliver)
        return [result] if result else []

    def cancel(self, invoice_id, deliver=True):
        result = self._step(self.invoice(invoice_id), "invoiceCancelled", "cancelled", deliver=deliver)
        return [result] if result else []

    def replay_out_of_order(self, invoice_id):
        """Every webhook sent so far again, newest first: the same bodies, signed
        afresh (as CoinPayments' retries are)."""
        invoice = self.invoice(invoice_id)
        with self.lock:
            sent = list(dict.fromkeys(body for body, _ in invoice.sent))
        return [self.post_webhook(invoice, body) for body in reversed(sent)]

    def duplicate_last(self, invoice_id, times=3):
        """The newest webhook again, `times` times (at-least-once delivery)."""
        invoice = self.invoice(invoice_id)
        with self.lock:
            body = invoice.sent[-1][0]
        return [self.post_webhook(invoice, body) for _ in range(times)]
