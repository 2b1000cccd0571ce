"""CoinPayments' current platform end to end: orders become invoices in the
simulator (a real HTTP server speaking the v2 API), its signed webhooks reach
the app (served for real) in every order, duplicated and stale, and the poller
reads invoices whose webhook never came. Credited once, never backwards."""
from datetime import timedelta
from decimal import Decimal

import pytest
import requests

from goldcoin.extensions import db
from goldcoin.ledger.models import utcnow
from goldcoin.payments.models import RechargeOrder
from goldcoin.payments.simulator.v2 import BY_ID

from .test_ipn import balance, order_row, place_order, recharge_transfers, records


@pytest.fixture(autouse=True)
def _new_orders_on_v2(v2):
    return v2


def verdicts(app, order_id):
    return [r.verdict for r in records(app, order_id)]


def test_an_order_is_an_invoice_with_our_reference_price_pay_currency_and_webhook(app, member, simulator, live_app):
    user, api = member
    order = place_order(app, api)
    assert order["status"] == "pending" and order_row(app, order["id"]).provider == "coinpayments_v2"
    invoice = simulator.v2.invoice(order["txn_id"])
    sent = invoice.request  # the JSON body the shop POSTed to /api/v2/merchant/invoices
    assert sent["invoiceId"] == str(order["id"]) and sent["clientId"] == "test-client-id"
    assert BY_ID[sent["currency"]][1] == "CNY"  # the price currency, by CoinPayments' id from its list
    assert sent["amount"] == {"breakdown": {"subtotal": "200.00"}, "total": "200.00"}
    assert sent["items"][0]["amount"] == "200.00" and sent["items"][0]["quantity"] == {"value": 1, "type": 2}
    assert sent["payment"]["paymentCurrency"] == "9:TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"  # USDT on TRON
    assert sent["payment"]["refundEmail"] == "buyer@example.com"
    assert sent["webhooks"] == [{"notificationsUrl": f"{live_app}/webhooks/coinpayments", "notifications": [
        "invoiceCreated", "invoicePending", "invoicePaid", "invoiceCompleted", "invoiceCancelled", "invoiceTimedOut"]}]
    # The answer's payment details are the checkout: address, amount due, expiry, confirmations.
    assert order["address"] == invoice.address and order["address"].startswith("T")
    assert Decimal(order["pay_amount"]) == invoice.pay_amount > 0
    assert order["checkout_url"] == f"{simulator.base}/v2/checkout/{invoice.id}" and order["expires_at"]
    assert order["confirms_needed"] == 3
    html = api.get(f"/recharge/orders/{order['id']}").get_data(as_text=True)
    assert 'id="checkout-page"' in html and invoice.address in html and "<svg" in html


def test_pay_in_full_credits_once_on_paid_and_completion_changes_nothing(app, member, simulator, status_events,
                                                                       mailbox):
    user, api = member
    order = place_order(app, api)
    answers = simulator.v2.pay_in_full(order["txn_id"])
    assert answers == [(200, "IPN OK")] * 4  # pending (1/3), pending (2/3), paid, completed
    assert balance(app, user.id) == 200 and recharge_transfers(app, order["id"]) == 1
    assert verdicts(app, order["id"]) == ["applied", "applied", "applied", "unchanged"]
    got = api.get(f"/api/v1/recharge/orders/{order['id']}").get_json()
    assert got["status"] == "completed" and got["received_confirms"] == 3
    assert [e["status"] for e in status_events] == ["completed"]
    audited = records(app, order["id"])
    assert [r.status for r in audited] == ["invoicePending", "invoicePending", "invoicePaid", "invoiceCompleted"]
    assert all(r.hmac_header and r.ipn_id and r.txn_id == order["txn_id"] for r in audited)
    [mail] = mailbox.wait_for(1)
    assert "credited with 200 gold coins" in mail.content.decode()
    page = api.get(f"/recharge/orders/{order['id']}").get_data(as_text=True)
    assert 'id="confirmation-page"' in page and '<span id="coins-count">200</span>' in page


def test_completed_without_paid_credits_too(app, member, simulator):
    user, api = member
    order = place_order(app, api)
    simulator.v2.pay_in_full(order["txn_id"], deliver=False)
    assert simulator.v2.send_event(order["txn_id"], "invoiceCompleted") == (200, "IPN OK")
    assert order_row(app, order["id"]).status == "completed" and balance(app, user.id) == 200


def test_duplicates_and_out_of_order_deliveries_credit_once_and_never_go_backwards(app, member, simulator,
                                                                                  status_events):
    user, api = member
    order = place_order(app, api)
    txn = order["txn_id"]
    simulator.v2.pay_in_full(txn, deliver=False)
    # Paid first, then its duplicates, then the stale pending ones, then a late timeout.
    assert simulator.v2.send_event(txn, "invoicePaid") == (200, "IPN OK")
    assert simulator.v2.duplicate_last(txn, times=5) == [(200, "IPN OK")] * 5
    assert simulator.v2.send_event(txn, "invoicePending", state="pending") == (200, "IPN OK")
    assert simulator.v2.send_event(txn, "invoiceTimedOut", state="timedOut") == (200, "IPN OK")
    assert all(a == (200, "IPN OK") for a in simulator.v2.replay_out_of_order(txn))
    assert order_row(app, order["id"]).status == "completed"
    assert balance(app, user.id) == 200 and recharge_transfers(app, order["id"]) == 1
    seen = verdicts(app, order["id"])
    assert seen[:8] == ["applied"] + ["unchanged"] * 5 + ["stale", "stale"]
    assert [e["status"] for e in status_events] == ["completed"]


def test_a_timed_out_invoice_fails_the_order_and_a_late_payment_credits_nothing(app, member, simulator, mailbox):
    user, api = member
    order = place_order(app, api)
    assert simulator.v2.time_out(order["txn_id"]) == [(200, "IPN OK")]
    row = order_row(app, order["id"])
    assert row.status == "failed" and "Timed out" in row.failure_reason and "invoiceTimedOut" in row.failure_reason
    assert simulator.v2.send_event(order["txn_id"], "invoicePaid", state="paid") == (200, "IPN OK")
    assert order_row(app, order["id"]).status == "failed" and balance(app, user.id) == 0
    assert recharge_transfers(app, order["id"]) == 0
    [mail] = mailbox.wait_for(1)
    assert "not completed" in mail.content.decode()


def test_a_cancelled_invoice_fails_the_order(app, member, simulator):
    user, api = member
    order = place_order(app, api)
    assert simulator.v2.cancel(order["txn_id"]) == [(200, "IPN OK")]
    assert order_row(app, order["id"]).status == "failed" and balance(app, user.id) == 0


def test_underpaid_then_timed_out(app, member, simulator):
    user, api = member
    order = place_order(app, api)
    assert simulator.v2.underpay(order["txn_id"]) == [(200, "IPN OK")]
    got = api.get(f"/api/v1/recharge/orders/{order['id']}").get_json()
    assert got["status"] == "pending" and "waiting for confirmations" in got["status_text"]
    received, due = Decimal(got["received_amount"]), Decimal(order["pay_amount"])
    assert 0 < received < due and balance(app, user.id) == 0
    page = api.get(f"/recharge/orders/{order['id']}").get_data(as_text=True)
    assert f"send the remaining <strong>{(due - received).normalize()}</strong>" in page
    simulator.v2.time_out(order["txn_id"])
    assert order_row(app, order["id"]).status == "failed" and balance(app, user.id) == 0


def test_the_poller_reads_invoices_whose_webhooks_were_lost(app, member, simulator, runner, status_events):
    user, api = member
    lost = place_order(app, api)
    waiting = place_order(app, api, coins=22)
    timed_out = place_order(app, api, coins=52)
    simulator.v2.pay_in_full(lost["txn_id"], deliver=False)
    simulator.v2.time_out(timed_out["txn_id"], deliver=False)
    result = runner.invoke(args=["goldcoin", "poll-payments"])
    assert result.exit_code == 0, result.output
    assert "asked=3" in result.output and "applied=2" in result.output
    assert order_row(app, lost["id"]).status == "completed" and balance(app, user.id) == 200
    assert order_row(app, waiting["id"]).status == "pending"
    assert order_row(app, timed_out["id"]).status == "failed"
    # Again: nothing moves; a late webhook credits nothing more.
    runner.invoke(args=["goldcoin", "poll-payments"])
    assert simulator.v2.send_event(lost["txn_id"], "invoiceCompleted") == (200, "IPN OK")
    assert balance(app, user.id) == 200 and recharge_transfers(app, lost["id"]) == 1
    assert sorted(e["status"] for e in status_events) == ["completed", "failed"]


def test_the_poller_expires_invoices_past_their_time_and_reports_an_unreachable_api(app, member, simulator, runner):
    user, api = member
    overdue = place_order(app, api)
    with app.app_context():
        db.session.get(RechargeOrder, overdue["id"]).expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    app.config["COINPAYMENTS_V2_API_URL"] = "http://127.0.0.1:9/api"
    result = runner.invoke(args=["goldcoin", "poll-payments"])
    assert result.exit_code == 1 and "errors=1" in result.output and "expired=1" in result.output
    assert order_row(app, overdue["id"]).status == "expired" and balance(app, user.id) == 0


def test_orders_of_each_platform_keep_settling_through_their_own(app, member, simulator, live_app, runner):
    user, api = member
    app.config["RECHARGE_PROVIDER"] = "coinpayments"  # a legacy order made before the switch
    legacy = place_order(app, api)
    app.config["RECHARGE_PROVIDER"] = "coinpayments_v2"
    current = place_order(app, api, coins=22)
    assert legacy["txn_id"].startswith("CP") and order_row(app, legacy["id"]).provider == "coinpayments"
    assert order_row(app, current["id"]).provider == "coinpayments_v2"
    # The legacy IPN settles the legacy order; the webhook the v2 one.
    assert simulator.pay_in_full(legacy["txn_id"])[-1] == (200, "IPN OK")
    assert simulator.v2.pay_in_full(current["txn_id"])[-1] == (200, "IPN OK")
    assert balance(app, user.id) == 222
    # Each endpoint hears its own platform only.
    assert requests.post(f"{live_app}/ipn/coinpayments_v2", data=b"{}", timeout=10).status_code == 404
    ipn = simulator.ipn_body(simulator.tx(legacy["txn_id"]), 100, "Complete")
    assert requests.post(f"{live_app}/webhooks/coinpayments", data=ipn, timeout=10).status_code == 401
    # The poller asks each platform about its own pending orders.
    app.config["RECHARGE_PROVIDER"] = "coinpayments"
    second_legacy = place_order(app, api, coins=52)
    app.config["RECHARGE_PROVIDER"] = "coinpayments_v2"
    second_current = place_order(app, api, coins=500)
    simulator.pay_in_full(second_legacy["txn_id"], deliver=False)
    simulator.v2.pay_in_full(second_current["txn_id"], deliver=False)
    result = runner.invoke(args=["goldcoin", "poll-payments"])
    assert result.exit_code == 0 and "asked=2" in result.output and "applied=2" in result.output
    assert balance(app, user.id) == 222 + 52 + 500


def test_the_simulator_checkout_buttons_deliver_in_the_background(app, member, simulator):
    user, api = member
    order = place_order(app, api)
    page = requests.get(order["checkout_url"], timeout=10).text
    assert order["address"] in page and order["pay_amount"] in page and 'data-platform="v2"' in page
    for button in ("sim-pay-full", "sim-underpay", "sim-timeout", "sim-cancel", "sim-replay"):
        assert f'id="{button}"' in page
    r = requests.post(order["checkout_url"] + "/underpay", allow_redirects=False, timeout=10)
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/v2/checkout/{order['txn_id']}")
    simulator.join_workers()
    r = requests.post(order["checkout_url"] + "/pay", allow_redirects=False, timeout=10)
    assert r.headers["Location"].endswith(f"/recharge/orders/{order['id']}")  # customData.returnUrl
    simulator.join_workers()
    requests.post(order["checkout_url"] + "/replay", allow_redirects=False, timeout=10)
    simulator.join_workers()
    assert [s for _, s in simulator.v2.invoice(order["txn_id"]).sent] == [200] * 10
    assert order_row(app, order["id"]).status == "completed" and balance(app, user.id) == 200
    assert recharge_transfers(app, order["id"]) == 1
