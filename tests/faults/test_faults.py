"""Faults against real servers: the production server (gunicorn, one gevent
worker) on a private PostgreSQL and a private Redis (tests/support/faults.py),
which these tests kill, stop and restart. The shared servers are never touched.

- the worker SIGKILLed mid-request under load: clients retry with the same
  keys; every key paid once, `reconcile` clean;
- Redis stopped and restarted under traffic: money exact, boards read from
  SQL meanwhile and `rebuild-leaderboard` restores them exactly, login limits
  still limit (in-process memory), connected pages resynchronise;
- PostgreSQL stopped for a few seconds: 503 `unavailable` with Retry-After,
  never a 500; then the same worker serves again without a restart.

Each test prints what it survived (`-s` shows it)."""
import queue
import threading
import time
import uuid

import pytest
import redis
import requests
import socketio
from playwright.sync_api import expect

from tests.support.browser import chromium_context, log_in
from tests.support.faults import (
    PrivatePostgres,
    PrivateRedis,
    app_env,
    flask_cli,
    gunicorn,
    prepare_database,
    private,
)
from tests.support.server import login_session

WAIT = 60  # seconds for something that must happen (a bound, not a timing assertion)
# Servers of their own, whatever --db says: run once, in the PostgreSQL pass.
pytestmark = pytest.mark.postgresql_only


@pytest.fixture(scope="module")
def stack():
    with private(PrivatePostgres) as pg, private(PrivateRedis) as rd:
        env = app_env(pg.url, rd.url, RATELIMIT_ENABLED="1", GOLDCOIN_LOGIN_ACCOUNT_RATE_LIMIT="5 per 15 minutes",
                      GOLDCOIN_LOGIN_IP_RATE_LIMIT="1000 per 15 minutes")
        admin = prepare_database(env)
        events = flask_cli(env, "goldcoin", "create-token", "forum", "--scope", "events").stdout.strip().splitlines()[-1]
        with gunicorn(env) as server:
            yield {"pg": pg, "redis": rd, "env": env, "server": server, "base": server.base,
                   "admin": {"Authorization": f"Bearer {admin}"}, "events": {"Authorization": f"Bearer {events}"}}


def register(base, username):
    s = requests.Session()
    s.headers["X-CSRFToken"] = s.get(base + "/api/v1/auth/csrf").json()["csrf_token"]
    r = s.post(base + "/api/v1/auth/register",
               json={"username": username, "email": f"{username}@example.com", "password": "password123"})
    assert r.status_code == 201, r.text
    return s.get(base + "/api/v1/me").json()["id"]


def balance_of(stack, username):
    return login_session(stack["base"], username, "password123").get(stack["base"] + "/api/v1/me").json()["balance"]


def adjust(stack, user_id, amount, key, timeout=20):
    return requests.post(stack["base"] + "/api/v1/admin/adjustments", headers=stack["admin"], timeout=timeout,
                         json={"user_id": user_id, "amount": amount, "reason": "fault test", "key": key})


def earn(stack, external_id, event_id, amount, timeout=20):
    return requests.post(stack["base"] + "/api/v1/events", headers=stack["events"], timeout=timeout, json={
        "id": event_id, "type": "bounty.awarded", "user": {"external_id": external_id, "username": external_id},
        "object_id": event_id, "amount": amount})


def until_answered(send, ok, tries=200):
    """Send until the server answers `ok` (a retry after a lost answer uses the same key)."""
    retries = 0
    for _ in range(tries):
        try:
            r = send()
            if r.status_code == ok:
                return retries
            assert r.status_code in (502, 503), (r.status_code, r.text[:300])
        except requests.RequestException:
            pass  # the worker died under us: the answer is lost, the work may be done
        retries += 1
        time.sleep(0.2)  # a client's retry pause
    raise AssertionError("never answered")


def reconcile_clean(stack):
    result = flask_cli(stack["env"], "goldcoin", "reconcile", check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "ok"


def test_worker_killed_mid_request_pays_every_key_once(stack):
    name = "kill_" + uuid.uuid4().hex[:6]
    uid = register(stack["base"], name)
    keys = [f"{name}-{n}" for n in range(60)]
    started, kills, retries = threading.Semaphore(0), [], []
    pending = queue.Queue()
    for key in keys:
        pending.put(key)

    def client():
        while True:
            try:
                key = pending.get_nowait()
            except queue.Empty:
                return
            started.release()
            retries.append(until_answered(lambda k=key: adjust(stack, uid, 7, k), 201))

    def killer():
        for _ in range(2):  # twice, each time with requests in flight
            for _ in range(15):
                started.acquire(timeout=WAIT)
            old = stack["server"].kill_worker()
            kills.append(old)
            deadline = time.monotonic() + WAIT
            while stack["server"].workers() in ([], [old]):
                assert time.monotonic() < deadline, "gunicorn did not start another worker"
                time.sleep(0.1)

    threads = [threading.Thread(target=client) for _ in range(8)] + [threading.Thread(target=killer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(kills) == 2
    assert balance_of(stack, name) == 7 * len(keys)  # every key paid once, none twice, none lost
    # A retry of a key that was paid answers the first adjustment again and moves nothing.
    again = adjust(stack, uid, 7, keys[0])
    assert again.status_code == 201 and balance_of(stack, name) == 7 * len(keys)
    verdict = reconcile_clean(stack)
    print(f"\nfault: worker SIGKILLed {len(kills)}x under load; {len(keys)} keyed payments, {sum(retries)} retries "
          f"after lost answers; balance exact ({7 * len(keys)}); reconcile: {verdict}")


def _socket(stack, username):
    http = login_session(stack["base"], username, "password123")
    events = queue.Queue()
    client = socketio.Client(reconnection=False)
    for name in ("balance", "resync"):
        client.on(name, (lambda n: lambda data: events.put((n, data)))(name))
    cookie = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
    client.connect(stack["base"], headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=WAIT)
    return client, events


def _next(events, name):
    deadline = time.monotonic() + WAIT
    while True:
        got, data = events.get(timeout=max(deadline - time.monotonic(), 0.1))
        if got == name:
            return data


def board(stack):
    r = requests.get(stack["base"] + "/api/v1/leaderboard?period=all&limit=50", timeout=20)
    assert r.status_code == 200, r.text
    return [(row["username"], row["coins"]) for row in r.json()["items"]]


def test_redis_stopped_and_restarted_under_traffic(stack):
    base = stack["base"]
    tag = uuid.uuid4().hex[:5]
    members = [f"rd{tag}{n}" for n in range(3)]
    for n, member in enumerate(members):  # forum members, created by their first event
        assert earn(stack, member, f"{member}-first", 10 * (n + 1)).status_code == 202
    flask_cli(stack["env"], "goldcoin", "rebuild-leaderboard")
    name = "redis_" + tag
    uid = register(base, name)
    target = "target_" + tag
    register(base, target)  # whose login limit is tried while Redis is down
    client, events = _socket(stack, name)
    adjust(stack, uid, 5, f"{name}-warmup")
    assert _next(events, "balance")["balance"] == 5  # pushes work before the outage
    with chromium_context() as context:
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(base + "/login")
        log_in(page, name, "password123")
        expect(page.locator("body")).to_have_attribute("data-live", "connected", timeout=WAIT * 1000)
        expect(page.locator("#header-balance")).to_have_text("5")
        page.evaluate("window.sameDocument = true")  # gone if the page reloads
        _outage_then_recovery(stack, page, client, events, members, tag, name, uid, target)


def _outage_then_recovery(stack, page, client, events, members, tag, name, uid, target):
    rd, base = stack["redis"], stack["base"]

    rd.stop()
    codes, paid = [], 5
    for n in range(10):  # the money path does not depend on Redis
        r = adjust(stack, uid, 3, f"{name}-{n}")
        codes.append(r.status_code)
        paid += 3
        r = earn(stack, members[n % 3], f"{members[n % 3]}-{n}", 4)
        codes.append(r.status_code)
    during = board(stack)  # read from SQL
    # Login limits still limit (per process, in memory) and never fail open or 500.
    logins = [requests.post(base + "/api/v1/auth/login", json={"username": target, "password": "guess"},
                            timeout=20).status_code for _ in range(7)]
    assert set(codes) == {201, 202}, codes
    assert logins[:5] == [401] * 5 and logins[5:] == [429, 429], logins
    assert balance_of(stack, name) == paid
    expected = {m: 10 * (n + 1) + 4 * len(range(n, 10, 3)) for n, m in enumerate(members)}
    assert {u: c for u, c in during if u in expected} == expected, during

    rd.start()  # empty: no persistence, the boards' index is gone
    resync = _next(events, "resync")  # the queue listener reconnected: this page resynchronises
    # The browser's page too, without a reload: it re-read /api/v1/me.
    expect(page.locator("body")).to_have_attribute("data-resynced", "1", timeout=WAIT * 1000)
    expect(page.locator("#header-balance")).to_have_text(str(paid))
    assert page.evaluate("window.sameDocument") is True
    adjust(stack, uid, 2, f"{name}-after")
    paid += 2
    assert _next(events, "balance")["balance"] == paid  # pushes resume
    client.disconnect()
    after_restart = board(stack)  # no index yet (lb:ready is gone): read from SQL, still exact
    flask_cli(stack["env"], "goldcoin", "rebuild-leaderboard")
    assert redis.Redis(port=rd.port).exists("gcfault:lb:ready")
    rebuilt = board(stack)
    assert during == after_restart == rebuilt
    assert balance_of(stack, name) == paid
    verdict = reconcile_clean(stack)
    print(f"\nfault: Redis stopped under {len(codes)} money requests (all answered {sorted(set(codes))}), "
          f"boards from SQL, login limit held ({logins.count(429)} x 429), resync pushed ({resync['reason']}), "
          f"rebuild-leaderboard exact ({len(rebuilt)} rows); reconcile: {verdict}")


def test_postgresql_stopped_for_a_few_seconds(stack):
    pg, base = stack["pg"], stack["base"]
    name = "pg_" + uuid.uuid4().hex[:6]
    uid = register(base, name)
    member = login_session(base, name, "password123")
    worker = stack["server"].workers()
    pg.stop()  # like a crash: connections cut
    answers = []
    for n in range(6):
        r = member.get(base + "/api/v1/me", timeout=30)
        answers.append(r.status_code)
        assert r.status_code == 503 and r.json()["error"] == "unavailable" and r.headers["Retry-After"].isdigit()
        r = adjust(stack, uid, 4, f"{name}-{n}", timeout=30)
        answers.append(r.status_code)
        assert r.status_code == 503 and r.json()["error"] == "unavailable"
    page = requests.get(base + "/leaderboard", timeout=30)
    assert page.status_code == 503 and "text/html" in page.headers["Content-Type"]
    pg.start()
    # Recovery without a restart: the same worker answers again; the refused payments are retried with their keys.
    retries = sum(until_answered(lambda k=f"{name}-{n}": adjust(stack, uid, 4, k), 201) for n in range(6))
    assert member.get(base + "/api/v1/me", timeout=30).json()["balance"] == 24
    assert stack["server"].workers() == worker
    verdict = reconcile_clean(stack)
    print(f"\nfault: PostgreSQL stopped: {len(answers)} requests answered 503 unavailable (0 x 500); recovered "
          f"without a restart ({retries} retries), every key paid once; reconcile: {verdict}")
