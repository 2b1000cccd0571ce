"""Socket.IO against real servers: the python-socketio client, two gevent
processes sharing Redis (message queue) and one PostgreSQL database, the
CoinPayments simulator over HTTP, a `flask` CLI process, and Chromium."""
import os
import queue
import subprocess
import sys
import uuid
from contextlib import contextmanager

import pytest
import requests
import socketio
from playwright.sync_api import expect

from goldcoin.payments.simulator import Simulator, SimulatorAccount
from tests.support.browser import chromium_context
from tests.support.server import ROOT, ServerThread, running_server
from tests.support.services import create_pg_database, delete_prefix

WAIT = 20  # seconds to wait for an event that must come (not a timing assertion)


def flask_cli(env, *args):
    result = subprocess.run(
        [sys.executable, "-m", "flask", "goldcoin", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


SIM_KEYS = {
    "COINPAYMENTS_PUBLIC_KEY": "live-public",
    "COINPAYMENTS_PRIVATE_KEY": "live-private",
    "COINPAYMENTS_MERCHANT_ID": "live-merchant",
    "COINPAYMENTS_IPN_SECRET": "live-ipn-secret",
}


@pytest.fixture(scope="module")
def simulator():
    sim = Simulator([SimulatorAccount(SIM_KEYS["COINPAYMENTS_PUBLIC_KEY"], SIM_KEYS["COINPAYMENTS_PRIVATE_KEY"],
                                      SIM_KEYS["COINPAYMENTS_MERCHANT_ID"], SIM_KEYS["COINPAYMENTS_IPN_SECRET"])])
    with ServerThread(sim) as server:
        sim.base = server.base
        yield sim


@pytest.fixture(scope="module")
def stack(redis_service, simulator):
    """One PostgreSQL database, one Redis prefix, two server processes A and B,
    both talking to one CoinPayments simulator."""
    url, base_prefix = redis_service
    prefix = f"{base_prefix}{uuid.uuid4().hex[:6]}:"
    db_url, drop = create_pg_database()
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": db_url,
            "REDIS_URL": url,
            "GOLDCOIN_REDIS_PREFIX": prefix,
            "GOLDCOIN_ENV": "development",
            "FLASK_APP": "app",
            "GOLDCOIN_ASYNC_MODE": "gevent",
            "RATELIMIT_ENABLED": "0",
            "COINPAYMENTS_API_URL": simulator.base + "/api.php",
            **SIM_KEYS,
        }
    )
    try:
        subprocess.run([sys.executable, "-m", "flask", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                       capture_output=True, timeout=120)
        flask_cli(env, "init-db")
        token = flask_cli(env, "create-token", "live-tests", "--scope", "admin").strip().splitlines()[-1]
        with running_server(env) as a, running_server(env) as b:
            yield {"a": a, "b": b, "env": env, "token": token, "simulator": simulator}
    finally:
        drop()
        delete_prefix(url, prefix)


def register(base, username):
    s = requests.Session()
    s.headers["X-CSRFToken"] = s.get(base + "/api/v1/auth/csrf").json()["csrf_token"]
    r = s.post(base + "/api/v1/auth/register",
               json={"username": username, "email": f"{username}@example.com", "password": "password123"})
    assert r.status_code == 201, r.text
    s.headers["X-CSRFToken"] = r.json()["csrf_token"]  # signing up logged in: a new CSRF token
    return s, s.get(base + "/api/v1/me").json()["id"]


def connect(base, http_session):
    events = queue.Queue()
    client = socketio.Client(reconnection=False)
    for name in ("balance", "payment", "notification", "leaderboard"):
        client.on(name, (lambda n: lambda data: events.put((n, data)))(name))
    cookie = "; ".join(f"{k}={v}" for k, v in http_session.cookies.items())
    client.connect(base, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=WAIT)
    return client, events


def next_event(events, name):
    while True:
        got, data = events.get(timeout=WAIT)
        if got == name:
            return data


def adjust(base, token, user_id, amount, reason="live test"):
    r = requests.post(base + "/api/v1/admin/adjustments", json={"user_id": user_id, "amount": amount, "reason": reason},
                      headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 201, r.text
    return r.json()


def earn_in_other_process(stack, uid, coins, key):
    script = (
        "from goldcoin import create_app\n"
        "from goldcoin.extensions import db\n"
        "from goldcoin.ledger import MINT, system_account_id, transfer, wallet_id\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        f"    transfer(db.session, system_account_id(db.session, MINT), wallet_id(db.session, {uid}), {coins},"
        f" kind='earn.test', key='{key}')\n"
        "    db.session.commit()\n"
    )
    env = dict(stack["env"], GOLDCOIN_ASYNC_MODE="threading")
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, timeout=60)


def test_anonymous_connection_is_refused(stack):
    client = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(stack["a"], transports=["websocket"], wait_timeout=WAIT)


def test_other_origin_is_refused(stack):
    http, _ = register(stack["a"], "origin_" + uuid.uuid4().hex[:6])
    client = socketio.Client(reconnection=False)
    cookie = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(stack["a"], headers={"Cookie": cookie, "Origin": "https://evil.example"},
                       transports=["polling"], wait_timeout=WAIT)
    # The same request from our own origin is accepted.
    client.connect(stack["a"], headers={"Cookie": cookie, "Origin": stack["a"]}, transports=["polling"], wait_timeout=WAIT)
    assert client.connected
    client.disconnect()


def test_member_gets_own_balance_only_from_another_process(stack):
    http_a, ann = register(stack["a"], "ann_" + uuid.uuid4().hex[:6])
    http_b, bob = register(stack["a"], "bob_" + uuid.uuid4().hex[:6])
    ann_client, ann_events = connect(stack["a"], http_a)
    bob_client, bob_events = connect(stack["a"], http_b)
    try:
        adjust(stack["b"], stack["token"], bob, 7)   # posted by process B
        adjust(stack["b"], stack["token"], ann, 11)
        assert next_event(bob_events, "balance") == {"balance": 7, "delta": 7, "kind": "adjustment", "memo": "live test"}
        # Bob's pushes were published first: had Ann been sent them, they would come first.
        name, data = ann_events.get(timeout=WAIT)
        assert (name, data["balance"]) == ("balance", 11)
        name, data = ann_events.get(timeout=WAIT)  # the adjustment's notification, hers too
        assert name == "notification" and data["text"] == "An admin gave you 11 coins: live test"
        assert ann_events.empty()
    finally:
        ann_client.disconnect()
        bob_client.disconnect()


def test_cli_process_pushes_to_a_browser_on_the_server(stack):
    http, uid = register(stack["a"], "cli_" + uuid.uuid4().hex[:6])
    username = http.get(stack["a"] + "/api/v1/me").json()["username"]
    client, events = connect(stack["a"], http)
    try:
        flask_cli(stack["env"], "adjust", username, "15", "--reason", "from the CLI")
        assert next_event(events, "balance") == {"balance": 15, "delta": 15, "kind": "adjustment", "memo": "from the CLI"}
    finally:
        client.disconnect()


@contextmanager
def member_browser(stack, http):
    """Chromium holding the member's session cookie for process A."""
    with chromium_context() as context:
        context.add_cookies([{"name": c.name, "value": c.value, "url": stack["a"]} for c in http.cookies])
        yield context


def order_paid_through_process_b(stack, http, coins):
    """Create an order on process A; CoinPayments then posts its IPNs to
    process B (the load balancer may pick any process)."""
    r = http.post(stack["a"] + "/api/v1/recharge/orders", json={"coins": coins, "pay_currency": "USDT.TRC20"})
    assert r.status_code == 201, r.text
    order = r.json()
    tx = stack["simulator"].tx(order["txn_id"])
    assert tx.fields["ipn_url"] == stack["a"] + "/ipn/coinpayments"
    tx.fields["ipn_url"] = stack["b"] + "/ipn/coinpayments"
    return order


def test_ipn_handled_by_process_b_reaches_the_member_on_process_a(stack):
    http, uid = register(stack["a"], "pay_" + uuid.uuid4().hex[:6])
    client, events = connect(stack["a"], http)
    try:
        order = order_paid_through_process_b(stack, http, 200)
        results = stack["simulator"].pay_in_full(order["txn_id"])
        assert [status for status, _ in results] == [200, 200, 200]
        got = {}
        while set(got) != {"payment", "balance", "notification"}:
            name, data = events.get(timeout=WAIT)
            if name != "payment" or data["status"] == "completed":
                got[name] = data
        assert got["payment"] == {"order_id": order["id"], "status": "completed", "coins": 200}
        assert (got["balance"]["balance"], got["balance"]["delta"], got["balance"]["kind"]) == (200, 200, "recharge")
        assert "200" in got["notification"]["text"] and set(got["notification"]) == {"id", "text", "url"}
    finally:
        client.disconnect()
    # The order's owner on process A reads what process B applied.
    assert http.get(stack["a"] + f"/api/v1/recharge/orders/{order['id']}").json()["status"] == "completed"


def test_events_from_another_process_reach_only_their_member(stack):
    http, uid = register(stack["a"], "evt_" + uuid.uuid4().hex[:6])
    client, events = connect(stack["a"], http)
    # Events queued after a commit in another process travel through the message queue.
    script = (
        "from goldcoin import create_app\n"
        "from goldcoin.extensions import db\n"
        "from goldcoin.aftercommit import queue_event\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    queue_event(db.session, 'order_status_changed',"
        f" {{'order_id': 6, 'user_id': {uid + 1000}, 'status': 'failed', 'coins': 1}})\n"
        "    queue_event(db.session, 'notification_created',"
        f" {{'id': 9, 'user_id': {uid}, 'text': 'hi <b>', 'url': '/history'}})\n"
        "    db.session.commit()\n"
    )
    env = dict(stack["env"], GOLDCOIN_ASYNC_MODE="threading")
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, timeout=60)
    try:
        # Published first, another member's payment would arrive before this.
        assert events.get(timeout=WAIT) == ("notification", {"id": 9, "text": "hi <b>", "url": "/history"})
    finally:
        client.disconnect()


def test_leaderboard_push_when_the_top_changes(stack):
    http, uid = register(stack["a"], "lead_" + uuid.uuid4().hex[:6])
    client, events = connect(stack["a"], http)
    earn_in_other_process(stack, uid, 10**9, f"lead:{uid}")
    try:
        seen = set()
        while seen != {"all", "month", "week"}:
            data = next_event(events, "leaderboard")
            if data["items"] and data["items"][0]["user_id"] == uid:
                seen.add(data["period"])
                assert data["items"][0]["coins"] == 10**9
    finally:
        client.disconnect()


def test_profile_page_updates_without_reload(stack):
    http, uid = register(stack["a"], "web_" + uuid.uuid4().hex[:6])
    with member_browser(stack, http) as context:
        page = context.new_page()
        page.goto(stack["a"] + "/profile")
        assert page.text_content("#coins-count").strip() == "0"
        page.evaluate("window.__seen = []; document.addEventListener('goldcoin:balance', e => window.__seen.push(e.detail))")
        page.wait_for_selector("body[data-live='connected']", timeout=WAIT * 1000)
        adjust(stack["b"], stack["token"], uid, 123, "from process B")
        # expect() rather than wait_for_function(string): the page's CSP forbids eval.
        expect(page.locator("#coins-count")).to_have_text("123", timeout=WAIT * 1000)
        assert page.text_content("#header-balance").strip() == "123"
        assert page.evaluate("window.__seen")[0]["delta"] == 123
        assert page.evaluate("performance.getEntriesByType('navigation').length") == 1  # no reload

        # Missed while disconnected: the reconnect refetches /api/v1/me.
        page.evaluate("window.goldcoin.socket.disconnect()")
        page.wait_for_selector("body[data-live='disconnected']", timeout=WAIT * 1000)
        adjust(stack["b"], stack["token"], uid, 77, "while away")
        assert page.text_content("#coins-count").strip() == "123"
        page.evaluate("window.goldcoin.socket.connect()")
        expect(page.locator("#coins-count")).to_have_text("200", timeout=WAIT * 1000)

        # The leaderboard page reorders itself when this member overtakes the leader.
        board = context.new_page()
        board.goto(stack["a"] + "/leaderboard?period=all")
        board.wait_for_selector("body[data-live='connected']", timeout=WAIT * 1000)
        leader = requests.get(stack["a"] + "/api/v1/leaderboard?period=all&limit=1").json()["items"]
        coins = (leader[0]["coins"] if leader else 0) + 5
        earn_in_other_process(stack, uid, coins, f"overtake:{uid}")
        expect(board.locator("#leaderboard-list li").first).to_have_attribute(
            "data-user-id", str(uid), timeout=WAIT * 1000)
        assert board.text_content("#leaderboard-list li .coins").strip() == str(coins)


def test_checkout_page_turns_into_the_confirmation_when_process_b_gets_the_ipn(stack):
    http, uid = register(stack["a"], "chk_" + uuid.uuid4().hex[:6])
    order = order_paid_through_process_b(stack, http, 52)
    with member_browser(stack, http) as context:
        page = context.new_page()
        page.goto(stack["a"] + f"/recharge/orders/{order['id']}")
        page.wait_for_selector("#checkout-page")
        # Connected: the page does not poll, so only the pushed event can move it.
        page.wait_for_selector("body[data-live='connected']", timeout=WAIT * 1000)
        stack["simulator"].pay_in_full(order["txn_id"])
        page.wait_for_selector("#confirmation-page", timeout=WAIT * 1000)
        assert page.text_content("#coins-count").strip() == "52"
        assert page.text_content("#header-balance").strip() == "52"
