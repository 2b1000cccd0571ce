"""Orders through the simulator (a real HTTP server) and IPNs into the app
(served for real): credited once, never backwards, every hostile IPN refused."""
from decimal import Decimal

import requests
from sqlalchemy import func, select

from goldcoin.extensions import db
from goldcoin.ledger import balance_of, wallet_id
from goldcoin.ledger.models import Transfer
from goldcoin.notifications.models import Notification
from goldcoin.payments.models import IpnRecord, RechargeOrder
from goldcoin.payments.providers.coinpayments_legacy import sign

from .conftest import KEYS, package_id


def place_order(app, api, coins=200, pay_currency="USDT.TRC20"):
    r = api.post("/api/v1/recharge/orders", {"package_id": package_id(app, coins), "pay_currency": pay_currency})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def balance(app, user_id):
    with app.app_context():
        return int(balance_of(db.session, wallet_id(db.session, user_id)))


def order_row(app, order_id):
    with app.app_context():
        order = db.session.get(RechargeOrder, order_id)
        db.session.expunge(order)
        return order


def records(app, order_id=None):
    with app.app_context():
        stmt = select(IpnRecord).order_by(IpnRecord.id)
        if order_id is not None:
            stmt = stmt.where(IpnRecord.order_id == order_id)
        rows = db.session.scalars(stmt).all()
        db.session.expunge_all()
        return rows


def recharge_transfers(app, order_id):
    with app.app_context():
        return db.session.scalar(
            select(func.count(Transfer.id)).where(Transfer.idempotency_key == f"recharge:order:{order_id}")
        )


def test_happy_path_completes_and_credits_once(app, member, simulator, status_events, mailbox):
    user, api = member
    order = place_order(app, api)
    assert order["status"] == "pending" and order["coins"] == 200 and order["bonus_coins"] == 0
    assert order["price"] == "200.00" and order["currency"] == "CNY" and order["pay_currency"] == "USDT.TRC20"
    assert order["txn_id"].startswith("CP") and order["address"].startswith("T")
    assert order["checkout_url"].startswith(simulator.base) and order["expires_at"]
    assert Decimal(order["pay_amount"]) > 0
    tx = simulator.tx(order["txn_id"])
    assert tx.fields["invoice"] == str(order["id"]) and tx.fields["ipn_url"].endswith("/ipn/coinpayments")
    assert tx.currency1 == "CNY" and tx.currency2 == "USDT.TRC20"

    answers = simulator.pay_in_full(order["txn_id"])
    assert answers == [(200, "IPN OK")] * 3
    assert balance(app, user.id) == 200
    assert recharge_transfers(app, order["id"]) == 1
    got = api.get(f"/api/v1/recharge/orders/{order['id']}").get_json()
    assert got["status"] == "completed" and got["received_confirms"] == 3
    assert [r.verdict for r in records(app, order["id"])] == ["applied"] * 3
    assert [e["status"] for e in status_events] == ["completed"]
    assert status_events[0] == {"order_id": order["id"], "user_id": user.id, "status": "completed", "coins": 200}

    with app.app_context():
        note = db.session.scalar(select(Notification).where(Notification.user_id == user.id))
        assert "200 gold coins" in note.text and note.url == f"/recharge/orders/{order['id']}"
    notes = api.get("/api/v1/me/notifications").get_json()
    assert notes["unread"] == 1 and "Recharge successful" in notes["items"][0]["text"]
    assert api.post("/api/v1/me/notifications/read", {}).get_json()["unread"] == 0

    [mail] = mailbox.wait_for(1)
    assert mail.rcpt_tos == ["buyer@example.com"]
    text = mail.content.decode()
    assert f"recharge #{order['id']} successful" in text and "credited with 200 gold coins" in text

    page = api.get(f"/recharge/orders/{order['id']}").get_data(as_text=True)
    assert 'id="confirmation-page"' in page and "Recharge Successful!" in page
    assert '<span id="coins-count">200</span>' in page and 'id="go-to-content"' in page


def test_the_same_ipn_five_times_credits_once(app, member, simulator):
    user, api = member
    order = place_order(app, api)
    simulator.pay_in_full(order["txn_id"], deliver=False)
    tx = simulator.tx(order["txn_id"])
    body = simulator.ipn_body(tx, 100, "Complete")
    answers = [simulator.post_ipn(tx, body) for _ in range(5)]
    assert answers == [(200, "IPN OK")] * 5
    assert balance(app, user.id) == 200 and recharge_transfers(app, order["id"]) == 1
    assert [r.verdict for r in records(app, order["id"])] == ["applied"] + ["unchanged"] * 4


def test_stale_pending_after_completion_changes_nothing(app, member, simulator, status_events):
    user, api = member
    order = place_order(app, api)
    simulator.pay_in_full(order["txn_id"])
    assert simulator.send_status(order["txn_id"], 0) == (200, "IPN OK")
    assert simulator.send_status(order["txn_id"], -1) == (200, "IPN OK")
    # And the whole history again, newest first.
    assert all(a == (200, "IPN OK") for a in simulator.replay_out_of_order(order["txn_id"]))
    assert order_row(app, order["id"]).status == "completed"
    assert balance(app, user.id) == 200 and recharge_transfers(app, order["id"]) == 1
    assert [r.verdict for r in records(app, order["id"])][3:5] == ["stale", "stale"]
    assert [e["status"] for e in status_events] == ["completed"]


def test_out_of_order_completion_first_then_pending(app, member, simulator):
    user, api = member
    order = place_order(app, api)
    tx = simulator.tx(order["txn_id"])
    simulator.pay_in_full(order["txn_id"], deliver=False)
    assert simulator.post_ipn(tx, simulator.ipn_body(tx, 100, "Complete")) == (200, "IPN OK")
    assert simulator.post_ipn(tx, simulator.ipn_body(tx, 1, "Funds received")) == (200, "IPN OK")
    assert order_row(app, order["id"]).status == "completed" and balance(app, user.id) == 200


def test_status_2_queued_for_payout_credits(app, member, simulator):
    user, api = member
    order = place_order(app, api)
    assert simulator.send_status(order["txn_id"], 2) == (200, "IPN OK")
    assert order_row(app, order["id"]).status == "completed" and balance(app, user.id) == 200


def test_timeout_fails_the_order_and_credits_nothing(app, member, simulator, status_events, mailbox):
    user, api = member
    order = place_order(app, api)
    assert simulator.time_out(order["txn_id"]) == [(200, "IPN OK")]
    row = order_row(app, order["id"])
    assert row.status == "failed" and "Timed Out" in row.failure_reason
    assert balance(app, user.id) == 0 and recharge_transfers(app, order["id"]) == 0
    assert [e["status"] for e in status_events] == ["failed"]
    # A completion arriving after the failure moves nothing.
    assert simulator.send_status(order["txn_id"], 100) == (200, "IPN OK")
    assert order_row(app, order["id"]).status == "failed" and balance(app, user.id) == 0
    [mail] = mailbox.wait_for(1)
    assert "not completed" in mail.content.decode()


def test_underpaid_then_timed_out(app, member, simulator):
    user, api = member
    order = place_order(app, api)
    assert simulator.underpay(order["txn_id"]) == [(200, "IPN OK")]
    got = api.get(f"/api/v1/recharge/orders/{order['id']}").get_json()
    assert got["status"] == "pending" and "received" in got["status_text"]
    received, price = Decimal(got["received_amount"]), Decimal(order["pay_amount"])
    assert 0 < received < price
    assert balance(app, user.id) == 0
    page = api.get(f"/recharge/orders/{order['id']}").get_data(as_text=True)
    assert f"<strong id=\"owed-amount\">{(price - received).normalize()}</strong>" in page and "send the remaining" in page
    simulator.time_out(order["txn_id"])
    assert order_row(app, order["id"]).status == "failed" and balance(app, user.id) == 0


def _post(base, body, signature=None, secret=KEYS["ipn_secret"], headers=None):
    send = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    if signature is not False:
        send["HMAC"] = signature or sign(secret, body)
    send.update(headers or {})
    return requests.post(base + "/ipn/coinpayments", data=body, headers=send, timeout=20)


def test_hostile_ipns_are_refused_audited_and_credit_nothing(app, member, simulator, live_app):
    user, api = member
    order = place_order(app, api)
    simulator.pay_in_full(order["txn_id"], deliver=False)
    txn = order["txn_id"]
    tx = simulator.tx(txn)
    cases = {
        "forged HMAC": simulator.send_status(txn, 100, secret="not-the-secret"),
        "wrong merchant": simulator.send_status(txn, 100, merchant="someone-else"),
        "wrong currency1": simulator.send_status(txn, 100, overrides={"currency1": "USD"}),
        "amount1 below price": simulator.send_status(txn, 100, overrides={"amount1": "199.99"}),
        "unknown txn": simulator.send_status(txn, 100, overrides={"txn_id": "CPUNKNOWN000000000000000000"}),
        "missing header": simulator.send_status(txn, 100, signature=""),
        "ipn_mode not hmac": simulator.send_status(txn, 100, overrides={"ipn_mode": "httpauth"}),
        "garbage signature": simulator.send_status(txn, 100, signature="00" * 64),
    }
    empty = _post(live_app, b"")
    cases["empty body"] = (empty.status_code, empty.text)
    # A valid signature over a body, then the body re-encoded differently: must not verify.
    body = simulator.ipn_body(tx, 100, "Complete")
    reencoded = body.replace(b"%40", b"@")
    assert reencoded != body
    r = _post(live_app, reencoded, signature=sign(KEYS["ipn_secret"], body))
    cases["re-encoded body"] = (r.status_code, r.text)

    # Authentic but refused: 200 (CoinPayments would retry anything else for days), audited, nothing credited.
    authentic = {"wrong currency1", "amount1 below price", "unknown txn"}
    for name, (status, text) in cases.items():
        if name in authentic:
            assert (status, text) == (200, "IPN OK"), name
            continue
        assert status in (400, 403), f"{name}: {status} {text}"
        assert "IPN OK" not in text, name
    assert cases["forged HMAC"][0] == 403 and cases["wrong merchant"][0] == 403 and cases["missing header"][0] == 403
    # A prober cannot tell a wrong merchant id from a wrong signature (which would confirm a guessed id).
    assert cases["forged HMAC"] == cases["wrong merchant"] == cases["garbage signature"]
    assert "merchant" not in cases["wrong merchant"][1]
    assert order_row(app, order["id"]).status == "pending"
    assert balance(app, user.id) == 0 and recharge_transfers(app, order["id"]) == 0
    audited = records(app)
    assert len(audited) == len(cases) and all(r.verdict == "refused" for r in audited)
    reasons = " | ".join(r.reason for r in audited)
    for expected in ("HMAC signature does not match", "merchant is not ours", "currency1", "below the price",
                     "not an order of ours", "no HMAC header", "ipn_mode is not hmac"):
        assert expected in reasons
    assert all(r.raw_body is not None and r.http_status in (200, 400, 403) for r in audited)
    assert sorted(r.http_status for r in audited) == sorted(s for s, _ in cases.values())
    # The genuine one still works afterwards.
    assert simulator.send_status(txn, 100) == (200, "IPN OK")
    assert balance(app, user.id) == 200


def test_ipn_is_not_caught_by_csrf_and_ignores_other_ipn_types(app, member, simulator, live_app):
    user, api = member
    order = place_order(app, api)
    assert simulator.send_status(order["txn_id"], 0, overrides={"ipn_type": "deposit"}) == (200, "IPN OK")
    assert records(app)[-1].verdict == "ignored"
    assert order_row(app, order["id"]).provider_status == 0


def test_simulator_checkout_buttons_deliver_in_the_background(app, member, simulator):
    user, api = member
    order = place_order(app, api)
    page = requests.get(order["checkout_url"], timeout=10).text
    assert order["address"] in page and order["pay_amount"] in page
    for button in ("sim-pay-full", "sim-underpay", "sim-timeout", "sim-replay"):
        assert f'id="{button}"' in page
    r = requests.post(order["checkout_url"] + "/underpay", allow_redirects=False, timeout=10)
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/checkout/{order['txn_id']}")
    simulator.join_workers()
    assert order_row(app, order["id"]).provider_status == 0
    r = requests.post(order["checkout_url"] + "/pay", allow_redirects=False, timeout=10)
    assert r.headers["Location"].endswith(f"/recharge/orders/{order['id']}")
    simulator.join_workers()
    requests.post(order["checkout_url"] + "/replay", allow_redirects=False, timeout=10)
    simulator.join_workers()
    assert [s for _, _, s in simulator.tx(order["txn_id"]).sent] == [200] * 8
    assert order_row(app, order["id"]).status == "completed" and balance(app, user.id) == 200
    assert recharge_transfers(app, order["id"]) == 1


def test_notifications_page_and_api(app, member, simulator):
    user, api = member
    order = place_order(app, api)
    simulator.time_out(order["txn_id"])
    simulator.send_status(place_order(app, api, coins=22)["txn_id"], 100)
    items = api.get("/api/v1/me/notifications").get_json()
    assert items["unread"] == 2 and "not completed" in items["items"][1]["text"]
    assert api.post("/api/v1/me/notifications/read", {"ids": "x"}).status_code == 400
    r = api.post("/api/v1/me/notifications/read", {"ids": [items["items"][0]["id"]]}).get_json()
    assert r == {"marked": 1, "unread": 1}
    html = api.get("/recharge").get_data(as_text=True)
    assert 'id="notification-count">1<' in html
    assert "not completed" in api.get("/notifications").get_data(as_text=True)
    assert api.get("/api/v1/me/notifications").get_json()["unread"] == 0
