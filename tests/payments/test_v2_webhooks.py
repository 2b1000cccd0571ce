"""POST /webhooks/coinpayments refuses what is not authentic (401) or not a
webhook (400), audits everything, verifies over the URL CoinPayments called
(the public one, behind a proxy), refuses stale timestamps, and can check the
sender's address. Webhooks are sent by the simulator over real HTTP."""
import json
from datetime import datetime, timedelta, timezone

import pytest

from goldcoin.payments.simulator.v2_buyer import sign

from .conftest import V2_KEYS
from .test_ipn import balance, order_row, place_order, recharge_transfers, records


@pytest.fixture(autouse=True)
def _new_orders_on_v2(v2):
    return v2


def stamp(seconds_from_now=0):
    moment = datetime.now(timezone.utc) + timedelta(seconds=seconds_from_now)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def paid_order(app, api, simulator):
    """A pending order whose invoice the buyer has paid (no webhook sent yet)."""
    order = place_order(app, api)
    simulator.v2.pay_in_full(order["txn_id"], deliver=False)
    return order, simulator.v2.invoice(order["txn_id"])


def test_forged_and_malformed_webhooks_are_refused_audited_and_credit_nothing(app, member, simulator, live_app):
    user, api = member
    order, invoice = paid_order(app, api, simulator)
    v2, url = simulator.v2, invoice.webhook["notificationsUrl"]
    body = v2.webhook_body(invoice, "invoicePaid")
    tampered = body.replace(b'"total":"200.00"', b'"total":"2000.00"')
    assert tampered != body
    now = stamp()
    signed = lambda raw, when=now: sign(V2_KEYS["client_secret"], "POST", url, V2_KEYS["client_id"], when, raw)  # noqa
    other = lambda path, value: v2.webhook_body(invoice, "invoicePaid", {path: value})  # noqa: E731
    cases = {
        "wrong secret": v2.post_webhook(invoice, body, secret="a-guess"),
        "another integration": v2.post_webhook(invoice, body, client_id="someone-else"),
        "no signature header": v2.post_webhook(invoice, body, drop=("X-CoinPayments-Signature",)),
        "no timestamp header": v2.post_webhook(invoice, body, drop=("X-CoinPayments-Timestamp",)),
        "no client header": v2.post_webhook(invoice, body, drop=("X-CoinPayments-Client",)),
        "garbage signature": v2.post_webhook(invoice, body, signature="AAAA"),
        "tampered body": v2.post_webhook(invoice, tampered, timestamp=now, signature=signed(body)),
        "signed over another URL": v2.post_webhook(invoice, body, signed_url="http://127.0.0.1:1/webhooks/coinpayments"),
        "stale timestamp": v2.post_webhook(invoice, body, timestamp=stamp(-600)),
        "timestamp from the future": v2.post_webhook(invoice, body, timestamp=stamp(600)),
        "malformed timestamp": v2.post_webhook(invoice, body, timestamp="yesterday",
                                               signature=signed(body, "yesterday")),
        "empty body": v2.post_webhook(invoice, b""),
        "not JSON": v2.post_webhook(invoice, b"invoice=paid&total=200"),
        "JSON nested too deep": v2.post_webhook(invoice, b"[" * 30000 + b"]" * 30000),
        "body too large": v2.post_webhook(invoice, b" " * 70000 + body),
        "no invoice": v2.post_webhook(invoice, json.dumps({"id": "x", "type": "invoicePaid"}).encode()),
        "unknown invoice": v2.post_webhook(invoice, other("invoice.id", "0b0e5b1c-0000-4000-8000-000000000000")),
        "another order's reference": v2.post_webhook(invoice, other("invoice.invoiceId", str(order["id"] + 1))),
        "total below the price": v2.post_webhook(invoice, other("invoice.amount.total", "199.99")),
        "total not a number": v2.post_webhook(invoice, other("invoice.amount.total", "lots")),
        "another currency": v2.post_webhook(invoice, other("invoice.currency.symbol", "USD")),
    }
    unauthentic = {"wrong secret", "another integration", "no signature header", "no timestamp header",
                   "no client header", "garbage signature", "tampered body", "signed over another URL",
                   "stale timestamp", "timestamp from the future"}
    # Authentic but not fitting an order of ours: 200 (no retries for days), audited, nothing credited.
    authentic = {"unknown invoice", "another order's reference", "total below the price", "total not a number",
                 "another currency"}
    for name, (status, text) in cases.items():
        if name in authentic:
            assert (status, text) == (200, "IPN OK"), name
            continue
        assert status == (401 if name in unauthentic else 400), f"{name}: {status} {text}"
        assert "IPN OK" not in text, name
    # Every unauthentic one reads the same: a prober learns nothing about which part was wrong.
    assert len({cases[name] for name in unauthentic}) == 1, {name: cases[name] for name in unauthentic}
    assert order_row(app, order["id"]).status == "pending"
    assert balance(app, user.id) == 0 and recharge_transfers(app, order["id"]) == 0
    audited = records(app)
    assert len(audited) == len(cases) and all(r.verdict == "refused" for r in audited)
    assert sorted(r.http_status for r in audited) == sorted(s for s, _ in cases.values())
    reasons = " | ".join(r.reason for r in audited)
    for expected in ("signature does not match", "not our integration", "no X-CoinPayments-Signature",
                     "a replay?", "not YYYY-MM-DDTHH:mm:ss", "empty body", "not a webhook payload", "too large",
                     "not an order of ours", "invoiceId does not match", "below the price", "not a number",
                     "invoice currency USD is not CNY"):
        assert expected in reasons, expected
    forged = [r for r in audited if r.reason == "signature does not match"]
    assert forged and all(r.hmac_header and r.txn_id == order["txn_id"] and r.raw_body for r in forged)
    # The genuine one still works afterwards.
    assert v2.post_webhook(invoice, body) == (200, "IPN OK")
    assert order_row(app, order["id"]).status == "completed" and balance(app, user.id) == 200


def test_events_with_nothing_to_apply_are_accepted_and_audited(app, member, simulator):
    user, api = member
    order = place_order(app, api)
    for event in ("invoiceCreated", "paymentCreated", "paymentTimedOut"):
        assert simulator.v2.send_event(order["txn_id"], event) == (200, "IPN OK")
    assert simulator.v2.send_event(order["txn_id"], "invoiceSomethingNew", state="refunding") == (200, "IPN OK")
    assert [r.verdict for r in records(app)] == ["ignored"] * 4
    assert "nothing to apply" in records(app)[0].reason and "is not handled" in records(app)[3].reason
    assert order_row(app, order["id"]).status == "pending"


@pytest.mark.parametrize("window, age, accepted", [(300, 60, True), (300, 299, True), (30, 60, False)])
def test_the_replay_window_is_configurable(app, member, simulator, window, age, accepted):
    user, api = member
    app.config["COINPAYMENTS_WEBHOOK_MAX_AGE"] = window
    order, invoice = paid_order(app, api, simulator)
    body = simulator.v2.webhook_body(invoice, "invoicePaid")
    status, _ = simulator.v2.post_webhook(invoice, body, timestamp=stamp(-age))
    assert status == (200 if accepted else 401)
    assert order_row(app, order["id"]).status == ("completed" if accepted else "pending")


def test_the_sender_allow_list_is_off_by_default_and_checks_the_address_when_set(app, member, simulator):
    user, api = member
    assert app.config["COINPAYMENTS_WEBHOOK_IPS"] == []
    order, invoice = paid_order(app, api, simulator)
    body = simulator.v2.webhook_body(invoice, "invoicePending")
    assert simulator.v2.post_webhook(invoice, body)[0] == 200  # off: any sender
    app.config["COINPAYMENTS_WEBHOOK_IPS"] = ["23.183.244.249", "23.183.244.250"]  # CoinPayments' published senders
    status, text = simulator.v2.post_webhook(invoice, simulator.v2.webhook_body(invoice, "invoicePaid"))
    assert status == 401 and "127.0.0.1" not in text
    assert "127.0.0.1 is not in COINPAYMENTS_WEBHOOK_IPS" in records(app)[-1].reason
    app.config["COINPAYMENTS_WEBHOOK_IPS"] = ["23.183.244.249", "127.0.0.1"]
    assert simulator.v2.post_webhook(invoice, simulator.v2.webhook_body(invoice, "invoicePaid"))[0] == 200
    assert order_row(app, order["id"]).status == "completed"


@pytest.fixture
def behind_a_proxy(payments_config):
    """The public URL is what a TLS proxy in front answers; the app itself
    listens elsewhere (the test server), so request.url is not what was signed."""
    payments_config["GOLDCOIN_PUBLIC_URL"] = "https://coins.forum.example"
    return payments_config


def test_behind_a_proxy_the_signature_covers_the_public_url_coinpayments_called(behind_a_proxy, app, member,
                                                                               simulator, live_app):
    user, api = member
    order = place_order(app, api)
    invoice = simulator.v2.invoice(order["txn_id"])
    assert invoice.webhook["notificationsUrl"] == "https://coins.forum.example/webhooks/coinpayments"
    simulator.v2.proxy_origin = live_app  # the proxy forwards to the app
    # Signed over the internal URL the request arrived at: not what CoinPayments called.
    body = simulator.v2.webhook_body(invoice, "invoicePaid")
    assert simulator.v2.post_webhook(invoice, body, signed_url=f"{live_app}/webhooks/coinpayments")[0] == 401
    assert simulator.v2.pay_in_full(order["txn_id"]) == [(200, "IPN OK")] * 4
    assert order_row(app, order["id"]).status == "completed" and balance(app, user.id) == 200
