"""Raw provider errors reached members: "CoinPayments could not be reached:
ConnectionError" on the recharge page, the order, its notification and the
JSON API. Members now read a plain message in their language; the provider's
words go to the log and the admin's view of the order; the API's error code
stays `bad_gateway`."""
import logging
import socket

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from goldcoin.extensions import db
from goldcoin.payments.models import RechargeOrder
from tests.payments.conftest import (  # noqa: F401 - the payments tests' simulator and served app
    app_port,
    live_app,
    member,
    package_id,
    payments_config,
    simulator,
)
from tests.support.browser import chromium_context, log_in
from tests.support.server import running_demo

UNREACHABLE = "The payment service could not be reached. No coins were charged; please try again in a few minutes."
UNREACHABLE_ZH = "无法连接支付服务。没有扣款；请几分钟后再试。"
NOT_STARTED = "The payment service could not start this payment."
RAW = ("ConnectionError", "could not be reached:", "CoinPayments", "HMAC", "Payment provider")


def closed_port_url(path):
    """An address where nothing listens (bound, never listening, then closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


def _raw_in(text):
    return [word for word in RAW if word in text]


def _order_and_notes(app, api):
    order = api.get("/api/v1/recharge/orders").get_json()["items"][0]
    page = api.get(f"/recharge/orders/{order['id']}").get_data(as_text=True)
    notes = " ".join(n["text"] for n in api.get("/api/v1/me/notifications").get_json()["items"])
    with app.app_context():
        stored = db.session.get(RechargeOrder, order["id"]).failure_reason
    return order, page, notes, stored


@pytest.mark.parametrize("platform", ["legacy", "v2"])
def test_an_unreachable_provider_is_told_plainly_and_kept_for_admins(  # noqa: F811
        app, payments_config, member, make_user, make_api, platform, caplog):  # noqa: F811
    user, api = member
    if platform == "v2":
        app.config.update(COINPAYMENTS_API="v2", RECHARGE_PROVIDER="coinpayments_v2",
                          COINPAYMENTS_V2_API_URL=closed_port_url("/api"))
    else:
        app.config["COINPAYMENTS_API_URL"] = closed_port_url("/api.php")
    with caplog.at_level(logging.WARNING, logger="goldcoin.payments"):
        r = api.post("/api/v1/recharge/orders", {"package_id": package_id(app, 200), "pay_currency": "USDT.TRC20"})
    body = r.get_json()
    assert r.status_code == 502 and body == {"error": "bad_gateway", "message": UNREACHABLE}
    assert "CoinPayments could not be reached: ConnectionError" in caplog.text  # the detail, in the log

    order, page, notes, stored = _order_and_notes(app, api)
    assert order["status"] == "failed" and order["failure_reason"] == UNREACHABLE
    assert UNREACHABLE in page and not _raw_in(page)
    assert UNREACHABLE in notes and not _raw_in(notes)
    assert "CoinPayments could not be reached: ConnectionError" in stored  # for the admin

    make_user("boss", role="admin")
    detail = make_api("boss").get(f"/admin/recharge_orders/details/?id={order['id']}").get_data(as_text=True)
    assert "CoinPayments could not be reached: ConnectionError" in detail

    # In the member's language (Accept-Language here; a saved choice works the same way).
    zh = api.post("/api/v1/recharge/orders", {"package_id": package_id(app, 200)}, headers={"Accept-Language": "zh-CN"})
    assert zh.status_code == 502 and zh.get_json() == {"error": "bad_gateway", "message": UNREACHABLE_ZH}


def test_a_provider_refusal_is_told_plainly_too(app, payments_config, member, caplog):  # noqa: F811
    user, api = member
    app.config["COINPAYMENTS_PRIVATE_KEY"] = "not-the-key"
    with caplog.at_level(logging.WARNING, logger="goldcoin.payments"):
        r = api.post("/api/v1/recharge/orders", {"coins": 100})
    assert r.status_code == 502 and r.get_json()["error"] == "bad_gateway"
    assert r.get_json()["message"].startswith(NOT_STARTED) and not _raw_in(r.get_json()["message"])
    assert "HMAC signature does not match" in caplog.text
    order, page, notes, stored = _order_and_notes(app, api)
    assert NOT_STARTED in page and not _raw_in(page) and not _raw_in(notes)
    assert "HMAC signature does not match" in stored


@pytest.fixture(scope="module")
def demo_with_the_provider_down(tmp_path_factory):
    """The demo served with CoinPayments pointed at a closed port."""
    with running_demo(tmp_path_factory.mktemp("down"), {"COINPAYMENTS_API_URL": closed_port_url("/api.php")}) as served:
        yield served


@pytest.mark.parametrize("language, expected", [("en", UNREACHABLE), ("zh_CN", UNREACHABLE_ZH)])
def test_the_recharge_page_says_it_plainly_in_chromium(demo_with_the_provider_down, language, expected):
    base, url = demo_with_the_provider_down
    with chromium_context() as context:
        page = context.new_page()
        page.set_viewport_size({"width": 390, "height": 800})
        page.goto(base + "/login")
        log_in(page, "dave", "dave-demo-pass")
        page.wait_for_url(base + "/profile")
        switch = page.locator(f".lang-switch button[value={language}]")
        if switch.is_visible():
            switch.click()
            page.wait_for_load_state("load")
        page.goto(base + "/recharge")
        page.locator("#amount-options button.package").first.click()
        expect(page.locator("#confirmationMessage")).to_have_text(expected, timeout=20_000)
        page.goto(base + "/recharge/orders")
        page.locator("#recharge-orders a").first.click()
        expect(page.locator("#failure-reason")).to_have_text(expected)
        assert not _raw_in(page.locator("main").inner_text())
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll <= inner
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.connect() as connection:  # the admin's record keeps the provider's words
        reasons = connection.execute(select(RechargeOrder.failure_reason)).scalars().all()
    engine.dispose()
    assert any("CoinPayments could not be reached: ConnectionError" in (r or "") for r in reasons)
