"""Push benchmark (prints figures; not a test).

    .venv/bin/python bench/push.py --clients 1000 5000 10000 [--samples 300]

For each N: one gevent server process (app.py) with N connected Socket.IO
clients (python-socketio AsyncClients in this process, each a different
member with its own room); then `--samples` times: post an adjustment to a
random connected member from THIS process (threading mode, emits through the
Redis message queue like a CLI or another worker would) and time from just
before the COMMIT to the member's client receiving its `balance` event.
Beside it, in the same run, a raw Redis pub/sub round trip (publish ->
subscriber receives) on the same Redis. Needs Redis at REDIS_URL.
"""
import argparse
import asyncio
import os
import random
import resource
import sqlite3
import statistics  # noqa: F401
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("GOLDCOIN_ASYNC_MODE", "threading")

import redis  # noqa: E402
import socketio  # noqa: E402

SECRET = "bench-secret-" + "x" * 32


def pct(samples, p):
    s = sorted(samples)
    return s[min(len(s) - 1, int(len(s) * p / 100))]


def figures(samples):
    return f"p50 {pct(samples, 50):.1f} ms, p95 {pct(samples, 95):.1f} ms, p99 {pct(samples, 99):.1f} ms"


def raise_open_files():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def make_db(db_path, n, redis_url, prefix):
    from goldcoin import create_app
    from goldcoin.extensions import db
    from goldcoin.ledger import ensure_system_accounts

    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite:///" + db_path, "SECRET_KEY": SECRET,
                      "GOLDCOIN_ASYNC_MODE": "threading", "REDIS_URL": redis_url, "REDIS_PREFIX": prefix})
    with app.app_context():
        db.create_all()
        ensure_system_accounts(db.session)
        db.session.commit()
    conn = sqlite3.connect(db_path)
    conn.executemany("INSERT INTO users (id, username, role, is_banned, created_at) VALUES (?, ?, 'member', 0, '2026-01-01')",
                     ((i, f"m{i}") for i in range(1, n + 1)))
    conn.executemany("INSERT INTO accounts (kind, user_id, balance, created_at) VALUES ('wallet', ?, 0, '2026-01-01')",
                     ((i,) for i in range(1, n + 1)))
    conn.commit()
    conn.close()
    return app


def redis_round_trip(redis_url, samples):
    r = redis.Redis.from_url(redis_url)
    channel = f"gcbench:{uuid.uuid4().hex}"
    pubsub = r.pubsub()
    pubsub.subscribe(channel)
    pubsub.get_message(timeout=5)  # the subscribe confirmation
    out = []
    for i in range(samples):
        t0 = time.perf_counter()
        r.publish(channel, str(i))
        while True:
            msg = pubsub.get_message(timeout=5)
            if msg and msg["type"] == "message":
                break
        out.append((time.perf_counter() - t0) * 1000)
    pubsub.close()
    return out


async def connect_all(base, cookies, received, batch=100):
    clients = {}

    async def one(uid, cookie):
        client = socketio.AsyncClient(reconnection=False)

        @client.on("balance")
        async def on_balance(data, uid=uid):
            event = received.get(uid)
            if event is not None:
                event[1] = time.perf_counter()
                event[0].set()

        await client.connect(base, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=60)
        clients[uid] = client

    items = list(cookies.items())
    for start in range(0, len(items), batch):
        await asyncio.gather(*(one(uid, c) for uid, c in items[start : start + batch]))
    return clients


def post_and_time(app, uids, samples, received):
    from goldcoin.extensions import db
    from goldcoin.ledger.adjustments import adjust_balance

    rng = random.Random(3)
    out = []
    with app.app_context():
        for _ in range(samples):
            uid = rng.choice(uids)
            event = received[uid] = [threading.Event(), None]
            adjust_balance(db.session, uid, 1, reason="bench", key=f"bench:{uuid.uuid4().hex}")
            t0 = time.perf_counter()
            db.session.commit()  # after commit: publish through Redis -> server -> client
            if not event[0].wait(30):
                raise RuntimeError(f"member {uid} never got its balance push")
            out.append((event[1] - t0) * 1000)
            received.pop(uid, None)
    return out


def run(n, samples, redis_url):
    from tests.support.server import running_server

    prefix = f"gcbench:{uuid.uuid4().hex[:6]}:"
    tmp = tempfile.mkdtemp(prefix="gc-push-bench-")
    db_path = os.path.join(tmp, "bench.db")
    app = make_db(db_path, n, redis_url, prefix)
    serializer = app.session_interface.get_signing_serializer(app)
    cookie_name = app.config["SESSION_COOKIE_NAME"]
    cookies = {uid: f"{cookie_name}={serializer.dumps({'_user_id': str(uid), '_fresh': True})}" for uid in range(1, n + 1)}
    env = {"DATABASE_URL": "sqlite:///" + db_path, "REDIS_URL": redis_url, "GOLDCOIN_REDIS_PREFIX": prefix,
           "SECRET_KEY": SECRET, "GOLDCOIN_ENV": "development"}
    received = {}
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        with running_server(env, async_mode="gevent", timeout=60) as base:
            t0 = time.perf_counter()
            clients = asyncio.run_coroutine_threadsafe(connect_all(base, cookies, received), loop).result()
            took = time.perf_counter() - t0
            print(f"N={n}: {len(clients)} clients connected in {took:.1f}s ({len(clients) / took:.0f}/s)", flush=True)
            pubsub = redis_round_trip(redis_url, samples)
            push = post_and_time(app, list(clients), samples, received)
            print(f"N={n}: balance push, commit -> client receipt, {samples} pushes: {figures(push)}", flush=True)
            print(f"N={n}: raw Redis pub/sub round trip, {samples} messages:  {figures(pubsub)}", flush=True)

            async def close_all():
                await asyncio.gather(*(c.disconnect() for c in clients.values()), return_exceptions=True)

            asyncio.run_coroutine_threadsafe(close_all(), loop).result(timeout=300)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        r = redis.Redis.from_url(redis_url)
        keys = list(r.scan_iter(match=prefix + "*", count=1000))
        if keys:
            r.delete(*keys)
        for name in os.listdir(tmp):
            os.unlink(os.path.join(tmp, name))
        os.rmdir(tmp)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, nargs="+", default=[1000, 5000, 10000])
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args()
    limit = raise_open_files()
    print(f"open files limit {limit} (inherited by the server process)")
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    # The server holds two descriptors per WebSocket (simple-websocket dups
    # the socket) plus its database, Redis and log files.
    most = (limit - 500) // 2
    for n in args.clients:
        if n > most:
            print(f"N={n}: more than this machine allows (2 open files per WebSocket under a hard limit of "
                  f"{limit}); measuring N={most // 1000 * 1000} instead", flush=True)
            n = most // 1000 * 1000
        run(n, args.samples, redis_url)


if __name__ == "__main__":
    main()
