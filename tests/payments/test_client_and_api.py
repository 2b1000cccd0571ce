"""The signed client (official HMAC test vector, simulator over HTTP), the
recharge API's contract, the poller and the admin views."""
import threading
from datetime import timedelta

import pytest
import requests
from sqlalchemy import select

from goldcoin.extensions import db
from goldcoin.ledger.models import utcnow
from goldcoin.payments.models import BonusTier, IpnRecord, RechargeOrder
from goldcoin.payments.providers.coinpayments_legacy import CoinPaymentsClient, CoinPaymentsError, sign

from .conftest import KEYS
from .test_ipn import balance, order_row, place_order, recharge_transfers

VECTOR_BODY = "currency=BTC&version=1&cmd=get_callback_address&key=your_api_public_key&format=json"
VECTOR_HMAC = (
    "5590eac015e7692902e1a9cd5464f1d305a4b593d2f1343d826ac5affc5ac6f9"
    "60a5167284f9bf31295cba0e04df9d8f7087935b5344c468ccf2dd036e159102"
)


def test_hmac_matches_the_official_test_vector():
    assert sign("test", VECTOR_BODY) == VECTOR_HMAC
    assert sign(b"test", VECTOR_BODY.encode()) == VECTOR_HMAC


def test_client_signs_the_exact_body_it_sends(simulator):
    seen = {}

    class Recorder(requests.Session):
        def post(self, url, data=None, headers=None, **kw):
            seen["body"], seen["hmac"] = data, headers["HMAC"]
            return super().post(url, data=data, headers=headers, **kw)

    client = CoinPaymentsClient(KEYS["public"], KEYS["private"], simulator.base + "/api.php", session=Recorder())
    rates = client.rates()
    assert rates["USDT.TRC20"]["is_fiat"] == 0 and rates["CNY"]["is_fiat"] == 1
    assert seen["hmac"] == sign(KEYS["private"], seen["body"])
    assert b"cmd=rates" in seen["body"] and b"version=1" in seen["body"] and b"key=test-public" in seen["body"]


def test_simulator_refuses_bad_signatures_with_the_real_error_text(simulator):
    wrong = CoinPaymentsClient(KEYS["public"], "wrong-private", simulator.base + "/api.php")
    with pytest.raises(CoinPaymentsError, match="^HMAC signature does not match$"):
        wrong.rates()
    r = requests.post(simulator.base + "/api.php", data="version=1&cmd=rates&key=test-public",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.json() == {"error": "No HMAC signature sent.", "result": []}


def test_client_round_trip_create_and_get_tx_info(simulator):
    client = CoinPaymentsClient(KEYS["public"], KEYS["private"], simulator.base + "/api.php")
    tx = client.create_transaction(amount="200", currency1="CNY", currency2="USDT.TRC20", buyer_email="a@example.com",
                                   invoice="7", ipn_url="http://127.0.0.1:9/ipn")
    assert set(tx) >= {"amount", "address", "txn_id", "confirms_needed", "timeout", "checkout_url", "qrcode_url"}
    assert isinstance(tx["amount"], str) and isinstance(tx["confirms_needed"], str) and isinstance(tx["timeout"], int)
    info = client.get_tx_info(tx["txn_id"])
    assert info["status"] == 0 and info["coin"] == "USDT.TRC20" and info["amountf"].startswith(tx["amount"][:4])
    multi = client.get_tx_info_multi([tx["txn_id"], "CPNOPE"])
    assert multi[tx["txn_id"]]["error"] == "ok" and multi["CPNOPE"]["error"] != "ok"
    with pytest.raises(CoinPaymentsError, match="Invalid payment ID"):
        client.get_tx_info("CPNOPE")
    with pytest.raises(ValueError):
        client.get_tx_info_multi(["x"] * 26)


def test_packages_and_bonus_tiers(app, member, api):
    user, api = member
    packages = api.get("/api/v1/recharge/packages").get_json()
    assert [(p["coins"], p["price"], p["currency"], p["bonus_coins"]) for p in packages] == [
        (22, "22.00", "CNY", 0), (52, "52.00", "CNY", 0), (200, "200.00", "CNY", 0), (500, "500.00", "CNY", 0)]
    r = api.post("/api/v1/recharge/orders", {"coins": 1000, "pay_currency": "BTC"})
    assert r.status_code == 201
    order = r.get_json()
    assert (order["coins"], order["bonus_coins"], order["price"], order["pay_currency"]) == (1000, 100, "1000.00", "BTC")
    with app.app_context():
        db.session.add(BonusTier(min_coins=200, percent=5))
        db.session.commit()
    assert [p["bonus_coins"] for p in api.get("/api/v1/recharge/packages").get_json()] == [0, 0, 10, 25]


def test_completed_order_with_bonus_credits_coins_plus_bonus(app, member, simulator):
    user, api = member
    order = api.post("/api/v1/recharge/orders", {"coins": 1000}).get_json()
    assert order["pay_currency"] == "USDT.TRC20"  # the default
    simulator.pay_in_full(order["txn_id"])
    assert balance(app, user.id) == 1100
    page = api.get(f"/recharge/orders/{order['id']}").get_data(as_text=True)
    assert '<span id="coins-count">1100</span>' in page


@pytest.mark.parametrize(
    "body, message",
    [
        ({}, "either"),
        ({"package_id": 1, "coins": 50}, "either"),
        ({"coins": 5}, "10 to 100000"),
        ({"coins": "200"}, "integer"),
        ({"coins": 200, "pay_currency": "DOGE"}, "Pay with one of"),
        ({"coins": 200, "pay_currency": "LTCT"}, "Pay with one of"),  # only with the simulator on
        ({"package_id": 999}, "No recharge package"),
    ],
)
def test_order_input_is_checked(app, member, body, message):
    user, api = member
    r = api.post("/api/v1/recharge/orders", body)
    assert r.status_code in (400, 404) and message in r.get_json()["message"]
    with app.app_context():
        assert db.session.scalar(select(RechargeOrder.id)) is None


def test_orders_need_a_login_and_belong_to_their_owner(app, member, make_user, make_api, client):
    user, api = member
    order = place_order(app, api)
    assert client.post("/api/v1/recharge/orders", json={"coins": 100}).status_code == 401
    make_user("other")
    other = make_api("other")
    assert other.get(f"/api/v1/recharge/orders/{order['id']}").status_code == 404
    assert other.get(f"/recharge/orders/{order['id']}").status_code == 404
    make_user("boss", role="admin")
    assert make_api("boss").get(f"/api/v1/recharge/orders/{order['id']}").get_json()["id"] == order["id"]
    assert api.get("/api/v1/recharge/orders").get_json()["items"][0]["id"] == order["id"]


def test_a_provider_failure_fails_the_order_with_the_reason(app, app_config, member):
    user, api = member
    app.config["COINPAYMENTS_PRIVATE_KEY"] = "not-the-key"
    r = api.post("/api/v1/recharge/orders", {"coins": 100})
    assert r.status_code == 502
    # The member reads plain words; the provider's stay on the order (tests/walk/test_provider_unreachable.py).
    assert "could not start this payment" in r.get_json()["message"] and "No coins were charged" in r.get_json()["message"]
    with app.app_context():
        order = db.session.scalar(select(RechargeOrder))
        assert order.status == "failed" and "HMAC signature does not match" in order.failure_reason
        assert order.txn_id is None


def test_provider_unreachable_fails_the_order(app, member):
    user, api = member
    app.config["COINPAYMENTS_API_URL"] = "http://127.0.0.1:9/api.php"
    r = api.post("/api/v1/recharge/orders", {"coins": 100})
    assert r.status_code == 502 and "payment service could not be reached" in r.get_json()["message"]


def test_checkout_page_shows_amount_address_local_qr_and_countdown(app, member):
    user, api = member
    order = place_order(app, api, coins=52, pay_currency="USDT.ERC20")
    html = api.get(f"/recharge/orders/{order['id']}").get_data(as_text=True)
    assert 'id="checkout-page"' in html and order["address"] in html and order["pay_amount"] in html
    assert "<svg" in html and 'id="payment-qr"' in html and "<img" not in html.split('id="payment-qr"')[1][:300]
    assert 'id="countdown"' in html and 'id="confirms-progress"' in html and "copy" in html
    assert order["expires_at"] in html
    recharge = api.get("/recharge").get_data(as_text=True)
    for needle in ('id="recharge-page"', 'id="customAmount"', 'id="confirmationMessage"', "200 Gold Coins - 200 Yuan",
                   'name="payment-method" value="USDT.TRC20"', 'class="payment-methods"'):
        assert needle in recharge
    history = api.get("/recharge/orders").get_data(as_text=True)
    assert f"/recharge/orders/{order['id']}" in history


def test_poller_completes_an_order_whose_ipn_was_lost(app, member, simulator, runner, status_events):
    user, api = member
    lost = place_order(app, api)
    waiting = place_order(app, api, coins=22)
    simulator.pay_in_full(lost["txn_id"], deliver=False)
    result = runner.invoke(args=["goldcoin", "poll-payments"])
    assert result.exit_code == 0, result.output
    assert "asked=2" in result.output and "applied=1" in result.output
    assert order_row(app, lost["id"]).status == "completed" and balance(app, user.id) == 200
    assert order_row(app, waiting["id"]).status == "pending"
    # Polling again changes nothing, and a late IPN still credits nothing more.
    runner.invoke(args=["goldcoin", "poll-payments"])
    assert simulator.send_status(lost["txn_id"], 100) == (200, "IPN OK")
    assert balance(app, user.id) == 200 and recharge_transfers(app, lost["id"]) == 1
    assert [e["status"] for e in status_events] == ["completed"]


def test_poller_expires_orders_past_their_timeout_and_applies_provider_timeouts(app, member, simulator, runner):
    user, api = member
    overdue = place_order(app, api)
    cancelled = place_order(app, api, coins=22)
    simulator.time_out(cancelled["txn_id"], deliver=False)
    with app.app_context():
        db.session.get(RechargeOrder, overdue["id"]).expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert runner.invoke(args=["goldcoin", "poll-payments"]).exit_code == 0
    assert order_row(app, overdue["id"]).status == "expired"
    assert order_row(app, cancelled["id"]).status == "failed"
    assert balance(app, user.id) == 0


def test_poller_batches_of_25(app, member, simulator):
    from goldcoin.payments.poller import poll_payments
    from goldcoin.payments.providers import provider_named

    user, api = member
    orders = [place_order(app, api, coins=22) for _ in range(27)]
    calls = []
    provider = provider_named("coinpayments", app.config)
    original = provider.client.get_tx_info_multi
    provider.client.get_tx_info_multi = lambda ids: calls.append(len(ids)) or original(ids)
    with app.app_context():
        counts = poll_payments(db.session, lambda name: provider)
    assert calls == [25, 2] and counts["asked"] == 27 and len(orders) == 27


def test_admin_views_list_orders_ipns_and_poll_now(app, member, simulator, make_user, make_api):
    user, api = member
    order = place_order(app, api)
    simulator.underpay(order["txn_id"])
    simulator.pay_in_full(order["txn_id"], deliver=False)
    make_user("boss", role="admin")
    admin = make_api("boss")
    for path in ("/admin/recharge_packages/", "/admin/bonus_tiers/", "/admin/recharge_orders/", "/admin/ipn_records/",
                 f"/admin/recharge_orders/details/?id={order['id']}"):
        assert admin.get(path).status_code == 200, path
    assert "applied" in admin.get(f"/admin/recharge_orders/details/?id={order['id']}").get_data(as_text=True)
    assert api.get("/admin/recharge_orders/").status_code == 403
    import re

    # What the browser posts: the action form's own csrf_token field.
    page = admin.get("/admin/recharge_orders/").get_data(as_text=True)
    token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    r = admin.client.post("/admin/recharge_orders/action/",
                          data={"action": "poll_now", "rowid": str(order["id"]), "csrf_token": token})
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    assert order_row(app, order["id"]).status == "completed" and balance(app, user.id) == 200
    # Admins edit packages through the same CSRF-checked forms.
    page = admin.get("/admin/recharge_packages/new/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    r = admin.client.post("/admin/recharge_packages/new/",
                          data={"coins": "1000", "price": "950.00", "position": "9", "active": "y", "csrf_token": token})
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    assert (1000, "950.00") in [(p["coins"], p["price"]) for p in api.get("/api/v1/recharge/packages").get_json()]


def test_concurrent_duplicate_completions_credit_once_on_postgresql(app_config, app, member, simulator, db_kind):
    assert db_kind == "postgresql"
    user, api = member
    order = place_order(app, api)
    simulator.pay_in_full(order["txn_id"], deliver=False)
    tx = simulator.tx(order["txn_id"])
    body = simulator.ipn_body(tx, 100, "Complete")
    start = threading.Barrier(50)
    answers = []

    def deliver():
        start.wait()
        answers.append(simulator.post_ipn(tx, body))

    threads = [threading.Thread(target=deliver) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == [(200, "IPN OK")] * 50
    assert balance(app, user.id) == 200 and recharge_transfers(app, order["id"]) == 1
    with app.app_context():
        verdicts = db.session.scalars(select(IpnRecord.verdict).where(IpnRecord.order_id == order["id"])).all()
    assert sorted(verdicts) == ["applied"] + ["unchanged"] * 49


test_concurrent_duplicate_completions_credit_once_on_postgresql = pytest.mark.postgresql_only(
    test_concurrent_duplicate_completions_credit_once_on_postgresql)


@pytest.fixture
def rate_limited(app_config):
    app_config.update({"RATELIMIT_ENABLED": True, "RECHARGE_ORDER_RATE_LIMIT": "2 per minute"})


def test_order_creation_is_rate_limited_per_member(rate_limited, app, member, make_user, make_api):
    user, api = member
    answers = [api.post("/api/v1/recharge/orders", {"coins": 100}) for _ in range(3)]
    assert [r.status_code for r in answers] == [201, 201, 429]
    assert answers[2].get_json() == {
        "error": "rate_limited", "message": "Too many attempts (2 per 1 minute). Please wait a moment and try again."}
    make_user("second")
    assert make_api("second").post("/api/v1/recharge/orders", {"coins": 100}).status_code == 201
