"""The simulator's server: a WSGI app that serves CoinPayments' legacy
api.php (HMAC-checked) and a checkout page with buttons, and holds the
transactions in memory, behind a lock; the current platform's routes are
answered by `self.v2` (v2.py). See the package docstring."""
import hmac
import html
import secrets
import threading
import time
from dataclasses import dataclass, field
from decimal import ROUND_UP, Decimal, InvalidOperation
from urllib.parse import parse_qs

from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from .buyer import BuyerActions, fmt, sign
from .coins import RATES, TIMEOUT
from .coins import address as _address
from .v2 import InvoicePlatform


@dataclass
class SimulatorAccount:
    public_key: str
    private_key: str
    merchant_id: str
    ipn_secret: str


@dataclass
class Tx:
    txn_id: str
    account: SimulatorAccount
    amount1: Decimal
    currency1: str
    amount2: Decimal
    currency2: str
    address: str
    confirms_needed: int
    fields: dict
    created: int
    expires: int
    status: int = 0
    status_text: str = "Waiting for buyer funds..."
    received: Decimal = Decimal("0")
    confirms: int = 0
    completed: int | None = None
    sent: list = field(default_factory=list)  # [(body_bytes, hmac, http_status)]


class Simulator(BuyerActions):
    def __init__(self, accounts, integrations=(), *, ipn_timeout=20):
        self.accounts = {a.public_key: a for a in accounts}
        self.txs = {}
        self.lock = threading.RLock()
        self.ipn_timeout = ipn_timeout
        self.workers = []  # background deliveries started by the checkout buttons
        # The current platform (API v2): its integrations, invoices and webhooks.
        self.v2 = InvoicePlatform(integrations, self.lock, self._deliver_later, webhook_timeout=ipn_timeout)
        self.url_map = Map(
            [
                Rule("/api.php", endpoint="api", methods=["POST"]),
                Rule("/checkout/<txn_id>", endpoint="checkout", methods=["GET"]),
                Rule("/checkout/<txn_id>/<action>", endpoint="act", methods=["POST"]),
            ]
            + [rule.empty() for rule in InvoicePlatform.RULES]
        )

    # ------------------------------------------------------------ WSGI
    def __call__(self, environ, start_response):
        request = Request(environ)
        try:
            endpoint, args = self.url_map.bind_to_environ(environ).match()
            if endpoint.startswith("v2_"):
                response = self.v2.handle(endpoint, request, **args)
            else:
                response = getattr(self, "_on_" + endpoint)(request, **args)
        except HTTPException as exc:
            response = exc
        return response(environ, start_response)

    def _json(self, error, result=None):
        import json

        return Response(json.dumps({"error": error, "result": [] if result is None else result}),
                        mimetype="application/json")

    def _on_api(self, request):
        body = request.get_data(cache=True)
        try:
            fields = {k: v[-1] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}
        except UnicodeDecodeError:
            return self._json("Invalid request body")
        signature = request.headers.get("HMAC")
        if not signature:
            return self._json("No HMAC signature sent.")
        account = self.accounts.get(fields.get("key", ""))
        if account is None:
            return self._json("Invalid API public key passed!")
        if not hmac.compare_digest(sign(account.private_key, body), signature.strip().lower()):
            return self._json("HMAC signature does not match")
        if fields.get("version") != "1":
            return self._json("Invalid API version - no version given or unsupported version!")
        command = fields.get("cmd")
        handler = {
            "create_transaction": self._create,
            "get_tx_info": self._get_tx_info,
            "get_tx_info_multi": self._get_tx_info_multi,
            "rates": self._rates,
        }.get(command)
        if handler is None:
            return self._json("Invalid command!")
        try:
            return self._json("ok", handler(account, fields, request))
        except ValueError as exc:
            return self._json(str(exc))

    def _create(self, account, fields, request):
        for name in ("amount", "currency1", "currency2", "buyer_email"):
            if not fields.get(name):
                raise ValueError(f"Missing required field: {name}")
        c1, c2 = fields["currency1"].upper(), fields["currency2"].upper()
        if c1 not in RATES or c2 not in RATES or RATES[c2][2]:
            raise ValueError("Invalid currency1 or currency2!" if c1 not in RATES else "Invalid currency2!")
        try:
            amount1 = Decimal(fields["amount"])
        except InvalidOperation:
            raise ValueError("Invalid amount!") from None
        if not amount1.is_finite() or amount1 <= 0:
            raise ValueError("Invalid amount!")
        amount2 = (amount1 * RATES[c1][1] / RATES[c2][1]).quantize(Decimal("0.00000001"), rounding=ROUND_UP)
        now = int(time.time())
        txn_id = "CP" + "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(24))
        tx = Tx(txn_id, account, amount1, c1, amount2, c2, _address(c2), RATES[c2][3], dict(fields), now, now + TIMEOUT)
        with self.lock:
            self.txs[txn_id] = tx
        root = request.url_root.rstrip("/")
        return {
            "amount": fmt(amount2),
            "txn_id": txn_id,
            "address": tx.address,
            "confirms_needed": str(tx.confirms_needed),
            "timeout": TIMEOUT,
            "checkout_url": f"{root}/checkout/{txn_id}",
            "status_url": f"{root}/checkout/{txn_id}",
            "qrcode_url": f"{root}/checkout/{txn_id}#qr",
        }

    def _info(self, tx):
        info = {
            "time_created": tx.created,
            "time_expires": tx.expires,
            "status": tx.status,
            "status_text": tx.status_text,
            "type": "coins",
            "coin": tx.currency2,
            "amount": int(tx.amount2 * 100_000_000),
            "amountf": f"{tx.amount2:.8f}",
            "received": int(tx.received * 100_000_000),
            "receivedf": f"{tx.received:.8f}",
            "recv_confirms": tx.confirms,
            "payment_address": tx.address,
        }
        if tx.completed:
            info["time_completed"] = tx.completed
        return info

    def _get_tx_info(self, account, fields, request):
        with self.lock:
            tx = self.txs.get(fields.get("txid", ""))
            if tx is None or tx.account is not account:
                raise ValueError("Invalid payment ID")
            return self._info(tx)

    def _get_tx_info_multi(self, account, fields, request):
        ids = [t for t in fields.get("txid", "").split("|") if t]
        if not ids or len(ids) > 25:
            raise ValueError("You must specify between 1 and 25 transaction IDs!")
        result = {}
        with self.lock:
            for txid in ids:
                tx = self.txs.get(txid)
                if tx is None or tx.account is not account:
                    result[txid] = {"error": "Invalid payment ID"}
                else:
                    result[txid] = dict(self._info(tx), error="ok")
        return result

    def _rates(self, account, fields, request):
        now = str(int(time.time()))
        return {
            ticker: {
                "is_fiat": int(fiat),
                "rate_btc": f"{rate:.15f}".rstrip("0"),
                "last_update": now,
                "tx_fee": "0.00000000" if fiat else "0.00010000",
                "status": "online",
                "name": name,
                "confirms": str(confirms),
                "accepted": 0 if fiat else 1,
            }
            for ticker, (name, rate, fiat, confirms) in RATES.items()
        }

    # ------------------------------------------------------------ checkout page
    def _on_checkout(self, request, txn_id):
        tx = self.tx(txn_id)
        e = html.escape
        back = tx.fields.get("success_url", "")
        rows = "".join(
            f"<li><code>{e(b.decode()[:160])}</code>... &rarr; HTTP {s}</li>" for b, _, s in list(tx.sent)[-10:]
        )
        page = f"""<!doctype html><html><head><meta charset="utf-8"><title>CoinPayments simulator</title>
<style>body{{font:15px system-ui;max-width:720px;margin:2rem auto}}button{{margin:.3rem;padding:.6rem 1rem}}</style></head>
<body id="simulator-checkout"><h1>CoinPayments simulator</h1>
<p>Local stand-in for CoinPayments (demo only). No real money moves.</p>
<p>Pay <strong id="sim-amount">{e(fmt(tx.amount2))} {e(tx.currency2)}</strong>
to <code id="sim-address">{e(tx.address)}</code></p>
<p>Price: {e(fmt(tx.amount1))} {e(tx.currency1)} · {e(tx.fields.get('item_name', ''))}</p>
<p>Status: <strong id="sim-status">{tx.status} {e(tx.status_text)}</strong></p>
<form method="post" action="{e(txn_id)}/pay"><button id="sim-pay-full">Pay in full</button></form>
<form method="post" action="{e(txn_id)}/underpay"><button id="sim-underpay">Underpay (half)</button></form>
<form method="post" action="{e(txn_id)}/timeout"><button id="sim-timeout">Let it time out</button></form>
<form method="post" action="{e(txn_id)}/replay"><button id="sim-replay">Replay IPNs out of order</button></form>
<p><a href="{e(back)}" id="sim-back">Back to the shop</a></p>
<h2>IPNs sent</h2><ul>{rows or '<li>none yet</li>'}</ul></body></html>"""
        return Response(page, mimetype="text/html")

    def _on_act(self, request, txn_id, action):
        tx = self.tx(txn_id)
        work = {
            "pay": self.pay_in_full,
            "underpay": self.underpay,
            "timeout": self.time_out,
            "replay": self.replay_out_of_order,
        }.get(action)
        if work is None:
            raise NotFound()
        # Deliver after this response: the shop may be this very server.
        self._deliver_later(work, txn_id)
        target = tx.fields.get("success_url") if action == "pay" else None
        target = target or f"{request.url_root.rstrip('/')}/checkout/{txn_id}"
        return Response("", status=303, headers={"Location": target})

    def _deliver_later(self, fn, *args):
        worker = self.in_background(fn, *args)
        with self.lock:
            self.workers = [w for w in self.workers if w.is_alive()] + [worker]

    @staticmethod
    def in_background(fn, *args, **kwargs):
        # A thread is a greenlet under gevent's monkey-patching: works in both.
        thread = threading.Thread(target=fn, args=args, kwargs=kwargs, daemon=True)
        thread.start()
        return thread

    def join_workers(self, timeout=30):
        """Wait for every background delivery started so far (tests)."""
        with self.lock:
            workers = list(self.workers)
        for worker in workers:
            worker.join(timeout)

    # ------------------------------------------------------------ the store
    def tx(self, txn_id):
        with self.lock:
            tx = self.txs.get(txn_id)
        if tx is None:
            raise NotFound("No such transaction")
        return tx


def serve(simulator, host="127.0.0.1", port=8765):
    """Run the simulator alone (flask goldcoin payment-simulator)."""
    from werkzeug.serving import run_simple

    run_simple(host, port, simulator, threaded=True)
