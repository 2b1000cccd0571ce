"""Providers are looked up by the name on each order: a second provider,
registered under another name, makes, settles and is polled about its own
orders, while CoinPayments keeps its own; and the one status transition."""
import hashlib
import hmac
import json
from decimal import Decimal

import pytest
import requests

from goldcoin.extensions import db
from goldcoin.payments import providers
from goldcoin.payments.errors import IllegalTransition, NotificationRefused
from goldcoin.payments.models import COMPLETED, FAILED, PENDING, IpnRecord, RechargeOrder
from goldcoin.payments.orders import transition
from goldcoin.payments.providers import NewPayment, Notification, PaymentStatus, Provider, Trail

from .test_ipn import balance, order_row, place_order, recharge_transfers

FAKE_SECRET = b"fake-webhook-secret"
STATES = {"waiting": PENDING, "paid": COMPLETED, "cancelled": FAILED}


class FakePay(Provider):
    """A test-only provider (the outside boundary): payments live in this
    class, notifications are JSON signed with HMAC-SHA256 in X-Fake-Signature."""

    name = "fakepay"
    title = "FakePay"
    signature_header = "X-Fake-Signature"
    lookup_batch = 2
    payments = {}  # txn_id -> state; reset by the fixture
    asked = []  # every look_up's ids
    requests = []  # every create_payment's PaymentRequest

    def create_payment(self, request):
        self.requests.append(request)
        txn_id = f"FAKE-{request.order_id}"
        self.payments[txn_id] = "waiting"
        return NewPayment(txn_id=txn_id, pay_amount=request.price, address=f"fake-address-{request.order_id}",
                          timeout_seconds=600, status=_status("waiting"))

    def read_notification(self, incoming):
        try:
            data = json.loads(incoming.body)
        except ValueError:
            raise NotificationRefused("not JSON") from None
        trail = Trail(data.get("id"), data.get("invoice"), data.get("state"))
        expected = hmac.new(FAKE_SECRET, incoming.body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, incoming.headers.get(self.signature_header, "")):
            raise NotificationRefused("signature does not match", 403, trail)
        return Notification(trail, txn_id=data["invoice"], status=_status(data["state"]), fields=data)

    def mismatch(self, notification, order):
        return None if Decimal(notification.fields["amount"]) >= order.price else "amount below the price"

    def look_up(self, txn_ids):
        self.asked.append(list(txn_ids))
        return {t: _status(self.payments[t]) for t in txn_ids if t in self.payments}


def _status(state):
    return PaymentStatus(STATES[state], text=f"FakePay: {state}", reason=f"FakePay says {state}")


def fake_notify(base, txn_id, state, amount, secret=FAKE_SECRET):
    body = json.dumps({"id": f"evt-{txn_id}-{state}", "invoice": txn_id, "state": state, "amount": amount}).encode()
    signature = hmac.new(secret, body, hashlib.sha256).hexdigest()
    r = requests.post(f"{base}/ipn/fakepay", data=body, timeout=20,
                      headers={"Content-Type": "application/json", "X-Fake-Signature": signature})
    return r.status_code, r.text


@pytest.fixture
def fakepay(monkeypatch):
    monkeypatch.setitem(providers.REGISTRY, FakePay.name, FakePay)
    monkeypatch.setattr(FakePay, "payments", {})
    monkeypatch.setattr(FakePay, "asked", [])
    monkeypatch.setattr(FakePay, "requests", [])
    return FakePay


def test_orders_keep_the_provider_that_made_them(app, member, simulator, live_app, runner, fakepay):
    user, api = member
    app.config["RECHARGE_PROVIDER"] = "fakepay"
    first, second = place_order(app, api), place_order(app, api, coins=22)
    assert first["txn_id"] == f"FAKE-{first['id']}" and first["address"] == f"fake-address-{first['id']}"
    assert [r.notify_url for r in fakepay.requests] == [f"{live_app}/ipn/fakepay"] * 2
    assert order_row(app, first["id"]).provider == "fakepay"

    # Configuration now picks CoinPayments for new orders; the pending FakePay
    # orders keep settling through FakePay.
    app.config["RECHARGE_PROVIDER"] = "coinpayments"
    legacy = place_order(app, api, coins=52)
    assert legacy["txn_id"].startswith("CP") and order_row(app, legacy["id"]).provider == "coinpayments"
    assert simulator.tx(legacy["txn_id"]).fields["ipn_url"] == f"{live_app}/ipn/coinpayments"

    # CoinPayments' endpoint cannot settle another provider's order, even signed right.
    # (Authentic, so answered 200 and not retried; refused in the audit, nothing settled.)
    answer = simulator.send_status(legacy["txn_id"], 100, overrides={"txn_id": first["txn_id"]})
    assert answer == (200, "IPN OK")
    with app.app_context():
        refused = db.session.query(IpnRecord).order_by(IpnRecord.id.desc()).first()
        assert refused.verdict == "refused" and "not an order of ours" in refused.reason
    # Nor can a forged FakePay notification; it is audited with FakePay's signature header.
    assert fake_notify(live_app, first["txn_id"], "paid", "200.00", secret=b"guess")[0] == 403
    with app.app_context():
        forged = db.session.query(IpnRecord).order_by(IpnRecord.id.desc()).first()
        assert forged.verdict == "refused" and forged.http_status == 403 and forged.hmac_header
        assert forged.txn_id == first["txn_id"] and forged.order_id is None
    assert order_row(app, first["id"]).status == "pending" and balance(app, user.id) == 0

    # FakePay's own notification completes its order, once.
    assert fake_notify(live_app, first["txn_id"], "paid", "199.99") == (200, "IPN OK")  # authentic: audited, refused
    assert order_row(app, first["id"]).status == "pending"
    assert fake_notify(live_app, first["txn_id"], "paid", "200.00") == (200, "IPN OK")
    assert fake_notify(live_app, first["txn_id"], "paid", "200.00") == (200, "IPN OK")
    assert order_row(app, first["id"]).status == "completed"
    assert balance(app, user.id) == 200 and recharge_transfers(app, first["id"]) == 1

    # The poller asks each order's provider about its own orders only.
    fakepay.payments[second["txn_id"]] = "paid"  # its notification never came
    result = runner.invoke(args=["goldcoin", "poll-payments"])
    assert result.exit_code == 0, result.output
    assert fakepay.asked == [[second["txn_id"]]]
    assert order_row(app, second["id"]).status == "completed" and balance(app, user.id) == 222
    assert order_row(app, legacy["id"]).status == "pending"  # the simulator was asked: still waiting
    assert "asked=2" in result.output and "applied=1" in result.output

    assert requests.post(f"{live_app}/ipn/nobody", data=b"x=1", timeout=20).status_code == 404


def test_an_order_the_registry_does_not_know_is_reported_and_still_expires(app, member, runner, fakepay):
    user, api = member
    app.config["RECHARGE_PROVIDER"] = "fakepay"
    order = place_order(app, api)
    with app.app_context():
        row = db.session.get(RechargeOrder, order["id"])
        row.provider = "gone"  # a provider removed from the registry since
        row.expires_at = row.created_at  # and its time is up
        db.session.commit()
    result = runner.invoke(args=["goldcoin", "poll-payments"])
    assert result.exit_code == 1 and "errors=1" in result.output and "expired=1" in result.output
    assert order_row(app, order["id"]).status == "expired" and fakepay.asked == []


def test_the_transition_never_goes_backwards_and_credits_once(session, make_user, balance):
    user = make_user()
    order = RechargeOrder(user_id=user.id, coins=50, bonus_coins=5, price=Decimal("50"), currency="CNY",
                          pay_currency="USDT.TRC20", provider="coinpayments", txn_id="CPTRANSITION")
    session.add(order)
    session.flush()
    assert transition(session, order, COMPLETED) is True
    assert transition(session, order, COMPLETED) is False  # already there: nothing moves
    for backwards in (PENDING, FAILED, "expired"):
        with pytest.raises(IllegalTransition) as refused:
            transition(session, order, backwards)
        assert refused.value.code == "conflict" and refused.value.status == 409
    assert order.status == "completed"
    session.commit()
    assert balance(user) == 55
