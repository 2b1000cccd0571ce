"""The simulator's current platform (CoinPayments API v2): signed JSON calls
under /api (POST /api/v2/merchant/invoices, GET /api/v2/merchant/invoices/<id>,
GET /api/v1/invoices/<id>/payment-currencies/<currency>, GET /api/v1/currencies),
invoices in memory, and a checkout page at /v2/checkout/<id> whose buttons
drive the invoice through its states, each sending a signed webhook
(`v2_buyer.py`). Shapes follow docs/payments.md, "Where the v2 facts come
from"; error texts are the simulator's own (unconfirmed)."""
import base64
import hashlib
import hmac
import html
import json
import secrets
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import ROUND_UP, Decimal, InvalidOperation

from werkzeug.exceptions import NotFound
from werkzeug.routing import Rule
from werkzeug.wrappers import Response

from .buyer import fmt
from .coins import RATES, TIMEOUT
from .coins import address as _address
from .v2_buyer import InvoiceBuyerActions

# The simulator's currency list: (id, symbol, name, type, required confirmations).
# Ids CoinPayments documents are used as such; CNY's is the simulator's own.
CURRENCIES = [
    ("1", "BTC", "Bitcoin", "crypto", 2),
    ("2", "LTC", "Litecoin", "crypto", 3),
    ("1002", "LTCT", "Litecoin Test", "crypto", 3),
    ("9:TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "USDT.TRC20", "Tether USD (TRC20)", "token", 3),
    ("4:0xdac17f958d2ee523a2206206994597c13d831ec7", "USDT.ERC20", "Tether USD (ERC20)", "token", 3),
    ("5057", "USD", "United States Dollar", "fiat", 0),
    ("5195", "EUR", "Euro", "fiat", 0),
    ("5999", "CNY", "Chinese Yuan", "fiat", 0),
]
BY_ID = {c[0]: c for c in CURRENCIES}
SKEW = 300  # seconds a request's timestamp may be off


@dataclass
class SimulatorIntegration:
    client_id: str
    client_secret: str


@dataclass
class Invoice:
    id: str
    integration: SimulatorIntegration
    request: dict  # the create call's JSON, as received
    currency: tuple  # a CURRENCIES entry: the price currency
    total: Decimal
    pay: tuple  # the pay currency
    pay_amount: Decimal
    address: str
    created: int
    expires: int
    state: str = "unpaid"
    received: Decimal = Decimal("0")
    confirms: int = 0
    sent: list = field(default_factory=list)  # [(body bytes, http status)] of every webhook

    @property
    def webhook(self):
        hooks = self.request.get("webhooks") or [{}]
        return hooks[0] if isinstance(hooks[0], dict) else {}


def _iso(epoch):
    return datetime.fromtimestamp(epoch, timezone.utc).isoformat()


def _problem(status, detail):
    body = {"type": "about:blank", "title": Response(status=status).status.split(" ", 1)[1], "status": status,
            "detail": detail}
    return Response(json.dumps(body), status=status, mimetype="application/problem+json")


def _json(value):
    return Response(json.dumps(value), mimetype="application/json")


class InvoicePlatform(InvoiceBuyerActions):
    RULES = [
        Rule("/api/v2/merchant/invoices", endpoint="v2_create", methods=["POST"]),
        Rule("/api/v2/merchant/invoices/<invoice_id>", endpoint="v2_invoice", methods=["GET"]),
        Rule("/api/v1/invoices/<invoice_id>/payment-currencies/<currency>", endpoint="v2_details", methods=["GET"]),
        Rule("/api/v1/currencies", endpoint="v2_currencies", methods=["GET"]),
        Rule("/v2/checkout/<invoice_id>", endpoint="v2_checkout", methods=["GET"]),
        Rule("/v2/checkout/<invoice_id>/<action>", endpoint="v2_act", methods=["POST"]),
    ]

    def __init__(self, integrations, lock, background, webhook_timeout=20):
        self.integrations = {i.client_id: i for i in integrations}
        self.invoices = {}
        self.lock = lock
        self.background = background  # runs a delivery after the button's response
        self.webhook_timeout = webhook_timeout
        # Set to "http://host:port" to deliver there while signing over the URL
        # the shop gave (a reverse proxy in between, as in production).
        self.proxy_origin = None

    def handle(self, endpoint, request, **args):
        return getattr(self, "_on_" + endpoint)(request, **args)

    # ------------------------------------------------------------ signed calls
    def _caller(self, request):
        """The integration that signed this request, or the answer refusing it."""
        client_id = request.headers.get("X-CoinPayments-Client")
        stamp = request.headers.get("X-CoinPayments-Timestamp")
        signature = request.headers.get("X-CoinPayments-Signature")
        if not client_id or not stamp or not signature:
            return None, _problem(401, "Missing X-CoinPayments-Client, -Timestamp or -Signature header")
        integration = self.integrations.get(client_id)
        if integration is None:
            return None, _problem(401, "Unknown client id")
        message = ("\ufeff" + request.method + request.url + client_id + stamp).encode() + request.get_data()
        expected = base64.b64encode(hmac.new(integration.client_secret.encode(), message, hashlib.sha256).digest())
        if not hmac.compare_digest(expected, signature.encode("utf-8", "replace")):
            return None, _problem(401, "Invalid signature")
        try:
            when = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc).timestamp()
        except ValueError:
            return None, _problem(401, "Invalid timestamp")
        if abs(time.time() - when) > SKEW:
            return None, _problem(401, "Timestamp too far from now")
        return integration, None

    def _on_v2_create(self, request):
        integration, refused = self._caller(request)
        if refused:
            return refused
        try:
            body = json.loads(request.get_data(), parse_float=Decimal)
            currency = BY_ID[str(body["currency"])]
            total = Decimal(str(body["amount"]["total"]))
            payment = body.get("payment") or {}
        except (ValueError, KeyError, TypeError, InvalidOperation):
            return _problem(400, "Invalid invoice: currency (a fiat currency id) and amount.total are required")
        if currency[3] != "fiat" or not total.is_finite() or total <= 0:
            return _problem(400, "Invalid invoice currency or amount")
        pay = BY_ID.get(str(payment.get("paymentCurrency") or ""))
        if payment.get("paymentCurrency") and (pay is None or pay[3] == "fiat"):
            return _problem(400, "Invalid payment currency")
        now = int(time.time())
        pay = pay or BY_ID["1002"]  # no currency chosen: the buyer picks on the checkout (LTCT here)
        amount = (total * RATES[currency[1]][1] / RATES[pay[1]][1]).quantize(Decimal("0.00000001"), rounding=ROUND_UP)
        invoice = Invoice(str(uuid.uuid4()), integration, body, currency, total, pay, amount, _address(pay[1]),
                          now, now + TIMEOUT)
        with self.lock:
            self.invoices[invoice.id] = invoice
        root = request.url_root.rstrip("/")
        created = {
            "id": invoice.id,
            "link": f"{root}/v2/checkout/{invoice.id}",
            "checkoutLink": f"{root}/v2/checkout/{invoice.id}",
            "payment": {"paymentId": secrets.token_hex(16), "expires": _iso(invoice.expires),
                        "paymentCurrencies": [self._payment_currency(invoice, c) for c in CURRENCIES
                                              if c[3] != "fiat"]},
        }
        if payment.get("paymentCurrency"):
            created["hotWallet"] = self.details(invoice)
        return _json({"invoices": [created]})

    def _on_v2_invoice(self, request, invoice_id):
        integration, refused = self._caller(request)
        if refused:
            return refused
        invoice = self.invoices.get(invoice_id)
        if invoice is None or invoice.integration is not integration:
            return _problem(404, "Invoice not found")
        return _json(self.invoice_json(invoice, key="status"))

    def _on_v2_details(self, request, invoice_id, currency):
        invoice = self.invoices.get(invoice_id)
        if invoice is None or currency not in BY_ID:
            return _problem(404, "Invoice or currency not found")
        return _json(self.details(invoice))

    def _on_v2_currencies(self, request):
        q = (request.args.get("q") or "").upper()
        types = {t.strip() for t in (request.args.get("types") or "").split(",") if t.strip()}
        return _json([self._currency(c) for c in CURRENCIES
                      if (not q or q in c[1] or q in c[2].upper()) and (not types or c[3] in types)])

    # ------------------------------------------------------------ shapes
    @staticmethod
    def _currency(c):
        return {"id": c[0], "symbol": c[1], "name": c[2], "type": c[3], "status": "active",
                "decimalPlaces": 2 if c[3] == "fiat" else 8, "requiredConfirmations": c[4],
                "isEnabledForPayment": c[3] != "fiat"}

    def _payment_currency(self, invoice, c):
        due = (invoice.total * RATES[invoice.currency[1]][1] / RATES[c[1]][1]).quantize(Decimal("0.00000001"))
        return {"currency": self._currency(c), "isDisabled": False,
                "amount": {"currencyId": c[0], "displayValue": fmt(due), "value": fmt(due)}}

    def details(self, invoice):
        """Where and how much to pay (the `hotWallet` of a created invoice)."""
        remaining = max(invoice.pay_amount - invoice.received, Decimal(0))
        return {"currency": self._currency(invoice.pay),
                "amount": {"currencyId": invoice.pay[0], "displayValue": fmt(invoice.pay_amount),
                           "value": fmt(invoice.pay_amount), "rate": "1"},
                "addresses": {"address": invoice.address},
                "expires": _iso(invoice.expires),
                "remainingAmount": {"currencyId": invoice.pay[0], "displayValue": fmt(remaining)}}

    def invoice_json(self, invoice, key="state"):
        """The invoice object: `status` when read by id, `state` inside a webhook."""
        money = lambda value: {"currencyId": invoice.pay[0], "currencySymbol": invoice.pay[1],  # noqa: E731
                               "displayValue": fmt(value), "value": fmt(value)}
        payment_state = {"unpaid": "created", "pending": "pending", "paid": "confirmed"}.get(invoice.state,
                                                                                            invoice.state)
        payments = [] if invoice.state == "unpaid" and not invoice.received else [{
            "state": payment_state, "confirmations": invoice.confirms, "requiredConfirmations": invoice.pay[4],
            "paymentAddress": invoice.address, "expectedAmount": money(invoice.pay_amount),
            "actualAmount": money(invoice.received),
            "hotWallet": {"confirmations": invoice.confirms, "requiredConfirmations": invoice.pay[4],
                          "paymentReceiveAddress": invoice.address},
        }]
        total = f"{invoice.total:.2f}"
        return {
            "id": invoice.id, "invoiceId": str(invoice.request.get("invoiceId") or ""),
            "created": _iso(invoice.created), "expires": _iso(invoice.expires),
            "currency": {"id": invoice.currency[0], "symbol": invoice.currency[1], "name": invoice.currency[2]},
            "amount": {"currencyId": invoice.currency[0], "subtotal": total, "total": total},
            "customData": invoice.request.get("customData"), "description": invoice.request.get("description"),
            key: invoice.state, "payments": payments,
        }

    # ------------------------------------------------------------ checkout page
    def _on_v2_checkout(self, request, invoice_id):
        invoice = self.invoice(invoice_id)
        e = html.escape
        back = (invoice.request.get("customData") or {}).get("returnUrl") or ""
        rows = "".join(f"<li><code>{e(b.decode()[:160])}</code>... &rarr; HTTP {s}</li>"
                       for b, s in invoice.sent[-10:])
        buttons = "".join(
            f'<form method="post" action="{e(invoice.id)}/{action}"><button id="sim-{bid}">{label}</button></form>'
            for action, bid, label in (("pay", "pay-full", "Pay in full"), ("underpay", "underpay", "Underpay (half)"),
                                       ("timeout", "timeout", "Let it time out"), ("cancel", "cancel", "Cancel"),
                                       ("replay", "replay", "Replay webhooks out of order")))
        page = f"""<!doctype html><html><head><meta charset="utf-8"><title>CoinPayments simulator</title>
<style>body{{font:15px system-ui;max-width:720px;margin:2rem auto}}button{{margin:.3rem;padding:.6rem 1rem}}</style></head>
<body id="simulator-checkout" data-platform="v2"><h1>CoinPayments simulator (current platform)</h1>
<p>Local stand-in for CoinPayments (demo only). No real money moves.</p>
<p>Invoice {e(invoice.id)} · your reference {e(str(invoice.request.get('invoiceId') or ''))}</p>
<p>Pay <strong id="sim-amount">{e(fmt(invoice.pay_amount))} {e(invoice.pay[1])}</strong>
 to <code id="sim-address">{e(invoice.address)}</code></p>
<p>Price: {e(f'{invoice.total:.2f}')} {e(invoice.currency[1])} · {e(str(invoice.request.get('description') or ''))}</p>
<p>Status: <strong id="sim-status">{e(invoice.state)}</strong></p>{buttons}
<p><a href="{e(back)}" id="sim-back">Back to the shop</a></p>
<h2>Webhooks sent</h2><ul>{rows or '<li>none yet</li>'}</ul></body></html>"""
        return Response(page, mimetype="text/html")

    def _on_v2_act(self, request, invoice_id, action):
        invoice = self.invoice(invoice_id)
        work = {"pay": self.pay_in_full, "underpay": self.underpay, "timeout": self.time_out,
                "cancel": self.cancel, "replay": self.replay_out_of_order}.get(action)
        if work is None:
            raise NotFound()
        self.background(work, invoice_id)  # after this response: the shop may be this very server
        target = (invoice.request.get("customData") or {}).get("returnUrl") if action == "pay" else None
        target = target or f"{request.url_root.rstrip('/')}/v2/checkout/{invoice_id}"
        return Response("", status=303, headers={"Location": target})

    def invoice(self, invoice_id):
        with self.lock:
            invoice = self.invoices.get(invoice_id)
        if invoice is None:
            raise NotFound("No such invoice")
        return invoice
