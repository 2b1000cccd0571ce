"""The current platform's signed client (a test vector computed from the
official algorithm; the simulator over HTTP), the currency ids (from the
API's list, cached, built-in when unreachable, switched off and on by
admins) and the configuration that picks the platform."""
import json
import re

import pytest
import requests
from sqlalchemy import select
from werkzeug.wrappers import Response

from goldcoin import create_app
from goldcoin.core.audit import AdminAction
from goldcoin.extensions import db
from goldcoin.payments.models import PaymentCurrency, RechargeOrder
from goldcoin.payments.providers.coinpayments_v2 import DEFAULT_API_URL, CoinPaymentsV2Client, CoinPaymentsV2Error, sign
from goldcoin.payments.simulator.v2 import InvoicePlatform

from .conftest import V2_KEYS, package_id
from .test_ipn import place_order

# The vector: inputs from CoinPayments' own documentation of the signature
# (CoinPaymentsNet/CoinPaymentsNET.github.io, openapi/paths/auth/auth.md: its
# client id, client secret, example timestamp, create-wallet URL and body).
# The expected values were computed outside this code base with the algorithm
# of CoinPaymentsNet/examples src/Helpers/ApiHelper.php::calculateSignature
# (BOM bytes EF BB BF + method + URL + client id + timestamp + body;
# base64 of the raw HMAC-SHA256 keyed with the secret string), twice and
# independently: Node's crypto.createHmac and `openssl dgst -sha256 -hmac`.
# An empty body (a GET) signs nothing after the timestamp, as ApiHelper does.
VECTOR_CLIENT_ID = "d0ccc52b8204460783d375e278082de2"
VECTOR_SECRET = "WYEB+hN+89waO76QeO9T7IIqhdo/60GHrdYu2vEa7Tg="
VECTOR_TIMESTAMP = "2022-12-19T19:27:04"
VECTOR_POST = (
    "https://api.coinpayments.com/api/v1/merchant/wallets",
    '{"currencyId":2,"label":"Online Shop Wallet","webhookUrl":"https://mysite.com/api/v1/payment/notification"}',
    "BWutsIlgHhAOS5JndSd7jwWwFNhnUAeVtDOLvkZIrOg=",
)
VECTOR_GET = ("https://api.coinpayments.com/api/v1/currencies?q=LTCT", "", "gCdoTU4jzwbLp1uOU1e2BYDQ1v4FD1aGHF2aFaTfXU4=")


def test_the_signature_matches_the_vector_computed_from_the_official_algorithm():
    url, body, expected = VECTOR_POST
    assert sign(VECTOR_SECRET, "POST", url, VECTOR_CLIENT_ID, VECTOR_TIMESTAMP, body) == expected
    assert sign(VECTOR_SECRET, "POST", url, VECTOR_CLIENT_ID, VECTOR_TIMESTAMP, body.encode()) == expected
    url, body, expected = VECTOR_GET
    assert sign(VECTOR_SECRET, "GET", url, VECTOR_CLIENT_ID, VECTOR_TIMESTAMP, body) == expected
    # Every part counts: the BOM, the method, the URL, the client id, the timestamp.
    url, body, expected = VECTOR_POST
    assert sign(VECTOR_SECRET, "PUT", url, VECTOR_CLIENT_ID, VECTOR_TIMESTAMP, body) != expected
    assert sign(VECTOR_SECRET, "POST", url + "/", VECTOR_CLIENT_ID, VECTOR_TIMESTAMP, body) != expected
    assert sign(VECTOR_SECRET, "POST", url, VECTOR_CLIENT_ID, "2022-12-19T19:27:05", body) != expected


def test_the_client_signs_the_exact_bytes_it_sends_and_the_simulator_checks_them(simulator):
    seen = []

    class Recorder(requests.Session):
        def request(self, method, url, data=None, headers=None, **kw):
            seen.append((method, url, data, dict(headers)))
            return super().request(method, url, data=data, headers=headers, **kw)

    client = CoinPaymentsV2Client(V2_KEYS["client_id"], V2_KEYS["client_secret"], simulator.base + "/api",
                                  session=Recorder())
    listed = client.currencies()
    assert {"id": "9:TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "symbol": "USDT.TRC20"}.items() <= next(
        c for c in listed if c["symbol"] == "USDT.TRC20").items()
    answer = client.create_invoice({"currency": "5057", "invoiceId": "7", "amount": {"total": "12.50"},
                                    "payment": {"paymentCurrency": "1002", "refundEmail": "a@example.com"}})
    invoice = answer["invoices"][0]
    assert invoice["hotWallet"]["addresses"]["address"] and invoice["hotWallet"]["amount"]["displayValue"]
    assert client.invoice(invoice["id"])["status"] == "unpaid"
    assert client.invoice("3fa85f64-5717-4562-b3fc-2c963f66afa6") is None  # unknown: 404
    for method, url, data, headers in seen:
        expected = sign(V2_KEYS["client_secret"], method, url, V2_KEYS["client_id"],
                        headers["X-CoinPayments-Timestamp"], data or b"")
        assert headers["X-CoinPayments-Signature"] == expected and headers["X-CoinPayments-Client"] == "test-client-id"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", headers["X-CoinPayments-Timestamp"])
    post = next(s for s in seen if s[0] == "POST")
    assert post[1] == simulator.base + "/api/v2/merchant/invoices" and post[2].startswith(b'{"currency":"5057"')
    assert post[3]["Content-Type"] == "application/json"

    wrong = CoinPaymentsV2Client(V2_KEYS["client_id"], "not-the-secret", simulator.base + "/api")
    with pytest.raises(CoinPaymentsV2Error, match="HTTP 401: Invalid signature"):
        wrong.invoice(invoice["id"])
    r = requests.get(simulator.base + f"/api/v2/merchant/invoices/{invoice['id']}", timeout=10)
    assert r.status_code == 401 and "Missing X-CoinPayments-Client" in r.json()["detail"]
    with pytest.raises(CoinPaymentsV2Error, match="could not be reached"):
        CoinPaymentsV2Client("a", "b", "http://127.0.0.1:9/api").currencies()


@pytest.fixture
def v2_app(v2):
    return v2


def test_refresh_currencies_caches_the_ids_and_admins_switch_currencies_off_and_on(v2_app, app, member, runner,
                                                                                   make_user, make_api):
    user, api = member
    result = runner.invoke(args=["goldcoin", "refresh-currencies"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        rows = {r.ticker: r for r in db.session.scalars(select(PaymentCurrency))}
    assert {t: rows[t].code for t in ("USDT.TRC20", "USDT.ERC20", "BTC")} == {
        "USDT.TRC20": "9:TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
        "USDT.ERC20": "4:0xdac17f958d2ee523a2206206994597c13d831ec7", "BTC": "1"}
    assert rows["CNY"].kind == "fiat" and rows["CNY"].code and all(r.enabled for r in rows.values())

    make_user("boss", role="admin")
    admin = make_api("boss")
    page = admin.get("/admin/payment_currencies/").get_data(as_text=True)
    assert "USDT.ERC20" in page and "Refresh from CoinPayments" in page
    token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    off = admin.client.post("/admin/payment_currencies/action/",
                            data={"action": "disable", "rowid": str(rows["USDT.ERC20"].id), "csrf_token": token})
    assert off.status_code == 302
    assert 'value="USDT.ERC20"' not in api.get("/recharge").get_data(as_text=True)
    r = api.post("/api/v1/recharge/orders", {"package_id": package_id(app, 22), "pay_currency": "USDT.ERC20"})
    assert r.status_code == 400 and r.get_json()["error"] == "bad_request" and "Pay with one of" in r.get_json()["message"]
    assert place_order(app, api, coins=22)["pay_currency"] == "USDT.TRC20"
    on = admin.client.post("/admin/payment_currencies/action/",
                           data={"action": "enable", "rowid": str(rows["USDT.ERC20"].id), "csrf_token": token})
    assert on.status_code == 302
    assert place_order(app, api, coins=22, pay_currency="USDT.ERC20")["address"].startswith("0x")
    with app.app_context():
        actions = db.session.scalars(select(AdminAction.action).order_by(AdminAction.id)).all()
    assert actions[-2:] == ["currency.disable", "currency.enable"]
    assert api.get("/admin/payment_currencies/").status_code == 403
    # The refresh button does what the command does; a provider that cannot be
    # asked is a flashed message on the list, not an error page.
    refreshed = admin.client.post("/admin/payment_currencies/refresh/", data={"csrf_token": token})
    assert refreshed.status_code == 302 and refreshed.headers["Location"].endswith("/admin/payment_currencies/")
    app.config["COINPAYMENTS_V2_API_URL"] = "http://127.0.0.1:9/api"
    down = admin.client.post("/admin/payment_currencies/refresh/", data={"csrf_token": token})
    assert down.status_code == 302 and down.headers["Location"].endswith("/admin/payment_currencies/")
    assert "could not be reached" in admin.get("/admin/payment_currencies/").get_data(as_text=True)
    assert runner.invoke(args=["goldcoin", "refresh-currencies"]).exit_code == 1


def test_documented_ids_keep_our_names_whatever_symbols_the_list_uses(app):
    from goldcoin.payments.providers import provider_named

    provider = provider_named("coinpayments_v2", app.config)
    provider.client.currencies = lambda: [
        {"id": "9:TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "symbol": "USDT", "name": "Tether USD (TRC20)", "type": "token"},
        {"id": "4:0xdac17f958d2ee523a2206206994597c13d831ec7", "symbol": "USDT", "type": "token"},
        {"id": "7", "symbol": "doge", "type": "crypto"}, {"id": "8", "symbol": "OLD", "status": "deleted"},
        {"symbol": "NOID"}, "not a currency",
    ]
    assert [(c.ticker, c.code, c.kind) for c in provider.currency_list()] == [
        ("USDT.TRC20", "9:TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "token"),
        ("USDT.ERC20", "4:0xdac17f958d2ee523a2206206994597c13d831ec7", "token"), ("DOGE", "7", "crypto")]
    provider.client.currencies = lambda: {"items": []}
    with pytest.raises(CoinPaymentsV2Error, match="empty or unreadable"):
        provider.currency_list()


def test_an_order_looks_up_ids_it_lacks_once_and_caches_them(v2_app, app, member, simulator, monkeypatch):
    user, api = member
    calls = []
    original = InvoicePlatform._on_v2_currencies
    monkeypatch.setattr(InvoicePlatform, "_on_v2_currencies",
                        lambda self, request: calls.append(1) or original(self, request))
    place_order(app, api)
    with app.app_context():
        cached = dict(db.session.execute(select(PaymentCurrency.ticker, PaymentCurrency.code)).all())
    assert set(cached) == {"CNY", "USDT.TRC20"} and calls == [1]
    place_order(app, api, coins=22)
    assert calls == [1]  # both ids cached: no list call


def test_without_the_currency_list_the_built_in_ids_cover_the_usual_coins(v2_app, app, member, simulator,
                                                                         monkeypatch):
    user, api = member
    monkeypatch.setattr(InvoicePlatform, "_on_v2_currencies", lambda self, request: Response("down", status=503))
    r = api.post("/api/v1/recharge/orders", {"package_id": package_id(app, 22), "pay_currency": "USDT.TRC20"})
    assert r.status_code == 502 and "could not start this payment" in r.get_json()["message"]
    with app.app_context():  # CNY has no built-in id: the admin's view of the order says so
        assert "no currency id for CNY" in db.session.scalar(select(RechargeOrder.failure_reason))
    app.config["RECHARGE_PRICE_CURRENCY"] = "USD"
    order = place_order(app, api, coins=22)
    sent = simulator.v2.invoice(order["txn_id"]).request
    assert sent["currency"] == "5057" and sent["payment"]["paymentCurrency"] == "9:TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"


def test_an_invoice_answered_without_payment_details_gets_them_by_currency(v2_app, app, member, simulator,
                                                                          monkeypatch):
    user, api = member
    original = InvoicePlatform.handle

    def without_hot_wallet(self, endpoint, request, **args):
        response = original(self, endpoint, request, **args)
        if endpoint == "v2_create":
            body = response.get_json()
            body["invoices"][0].pop("hotWallet")
            response.set_data(json.dumps(body))
        return response

    monkeypatch.setattr(InvoicePlatform, "handle", without_hot_wallet)
    order = place_order(app, api)
    assert order["address"] == simulator.v2.invoice(order["txn_id"]).address


def test_configuration_picks_the_platform_of_new_orders(app_config):
    legacy = create_app({**app_config})
    assert legacy.config["RECHARGE_PROVIDER"] == "coinpayments"
    current = create_app({**app_config, "COINPAYMENTS_API": "v2", "COINPAYMENTS_V2_API_URL": None})
    assert current.config["RECHARGE_PROVIDER"] == "coinpayments_v2"
    assert current.config["COINPAYMENTS_V2_API_URL"] == DEFAULT_API_URL == "https://api.coinpayments.com/api"
    assert current.config["COINPAYMENTS_WEBHOOK_MAX_AGE"] == 300 and current.config["COINPAYMENTS_WEBHOOK_IPS"] == []
    demo = create_app({**app_config, "COINPAYMENTS_API": "v2", "GOLDCOIN_PAYMENT_SIMULATOR": True,
                       "GOLDCOIN_PUBLIC_URL": "http://127.0.0.1:5000", "COINPAYMENTS_V2_API_URL": None,
                       "COINPAYMENTS_CLIENT_ID": None, "COINPAYMENTS_CLIENT_SECRET": None})
    assert demo.config["COINPAYMENTS_V2_API_URL"] == "http://127.0.0.1:5000/_simulator/api"
    assert demo.config["COINPAYMENTS_CLIENT_ID"] == "simulator-client-id"
    with pytest.raises(RuntimeError, match="COINPAYMENTS_API"):
        create_app({**app_config, "COINPAYMENTS_API": "v3"})
    for made in (legacy, current, demo):
        with made.app_context():
            db.engine.dispose()
