"""Leaderboard benchmark (prints figures; not a test).

    .venv/bin/python bench/leaderboard.py [--members 1000000]

Loads N members into the Redis index (pipelined) and N users into a SQLite
database, then measures the service call the pages make (top-10 + one
member's rank) p50/p99, and HTTP req/s of /api/v1/leaderboard beside /healthz
on the same server process, in the same run. Needs Redis on REDIS_URL
(default redis://127.0.0.1:6379/0); uses its own key prefix and deletes it.
"""
import argparse
import os
import random
import sqlite3
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
import requests  # noqa: E402


def pct(samples, p):
    s = sorted(samples)
    return s[min(len(s) - 1, int(len(s) * p / 100))]


def load(db_path, r, prefix, n):
    from goldcoin import create_app
    from goldcoin.extensions import db
    from goldcoin.leaderboard.store import member_name

    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite:///" + db_path,
                      "GOLDCOIN_ASYNC_MODE": "threading"})
    with app.app_context():
        db.create_all()
    conn = sqlite3.connect(db_path)
    conn.executemany("INSERT INTO users (id, username, role, is_banned, created_at) VALUES (?, ?, 'member', 0, '2026-01-01')",
                     ((i, f"m{i}") for i in range(1, n + 1)))
    conn.commit()
    conn.close()
    rng = random.Random(1)
    chunk = 20_000
    for start in range(1, n + 1, chunk):
        pipe = r.pipeline(transaction=False)
        scores, who = {}, {}
        for uid in range(start, min(start + chunk, n + 1)):
            coins, tid = rng.randint(1, 50_000), rng.randint(1, 10**9)
            scores[member_name(uid, tid)] = -coins
            who[str(uid)] = f"{coins}:{tid}"
        pipe.zadd(prefix + "lb:all", scores)
        pipe.hset(prefix + "lb:all:who", mapping=who)
        pipe.execute()
    r.set(prefix + "lb:ready", "1")
    return app


def http_rate(url, seconds, threads=4):
    count = [0] * threads
    stop = time.monotonic() + seconds

    def worker(i):
        # A new connection per request: gevent's pywsgi with keep-alive meets
        # the client's delayed ACK (~40 ms a request), which would measure TCP.
        while time.monotonic() < stop:
            assert requests.get(url, headers={"Connection": "close"}).status_code == 200
            count[i] += 1

    ts = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return sum(count) / seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=5)
    args = parser.parse_args()
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    prefix = f"gcbench:{uuid.uuid4().hex[:6]}:"
    r = redis.Redis.from_url(redis_url)
    tmp = tempfile.mkdtemp(prefix="gc-lb-bench-")
    db_path = os.path.join(tmp, "bench.db")
    try:
        t0 = time.perf_counter()
        app = load(db_path, r, prefix, args.members)
        print(f"loaded {args.members} members into Redis and SQLite in {time.perf_counter() - t0:.1f}s; "
              f"Redis memory {r.info('memory')['used_memory_human']}")
        app.config.update(REDIS_URL=redis_url, REDIS_PREFIX=prefix)
        from goldcoin.extensions import db
        from goldcoin.leaderboard import rank_of, top_earners

        samples = []
        rng = random.Random(2)
        with app.app_context():
            for _ in range(args.calls):
                uid = rng.randint(1, args.members)
                t = time.perf_counter()
                top = top_earners(db.session, 10, "all")
                rank = rank_of(db.session, uid, "all")
                samples.append((time.perf_counter() - t) * 1000)
                db.session.rollback()
        assert len(top) == 10 and rank is not None
        print(f"service top-10 + rank_of, {args.calls} calls: p50 {pct(samples, 50):.2f} ms, "
              f"p99 {pct(samples, 99):.2f} ms")

        from tests.support.server import running_server

        env = {"DATABASE_URL": "sqlite:///" + db_path, "REDIS_URL": redis_url, "GOLDCOIN_REDIS_PREFIX": prefix,
               "GOLDCOIN_ENV": "development"}
        with running_server(env, async_mode="gevent") as base:
            body = requests.get(base + "/api/v1/leaderboard?period=all&limit=10").json()
            assert body["items"][0]["rank"] == 1
            health = http_rate(base + "/healthz", args.seconds)
            board = http_rate(base + "/api/v1/leaderboard?period=all&limit=10", args.seconds)
        print(f"HTTP, one gevent process, 4 client threads, {args.seconds:.0f}s each: "
              f"/healthz {health:.0f} req/s, /api/v1/leaderboard {board:.0f} req/s "
              f"({board / health * 100:.0f}% of the trivial route)")
    finally:
        keys = list(r.scan_iter(match=prefix + "*", count=1000))
        if keys:
            r.delete(*keys)
        for name in os.listdir(tmp):
            os.unlink(os.path.join(tmp, name))
        os.rmdir(tmp)


if __name__ == "__main__":
    main()
