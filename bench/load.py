"""The briefs' load test: many members earning and redeeming at once (prints figures; not a test).

    .venv/bin/python bench/load.py [--seconds 10] [--earners 16] [--redeemers 16]
                                   [--members 200] [--processes 1] [--stock 0]

It starts the real server - `gunicorn -k gevent -w 1 app:app`, or with
`--processes 2` two of them on two ports behind the Redis message queue
(clients split between them) - on a fresh PostgreSQL database and Redis, rate
limits off. It creates the forum events token, `--redeemers` members with a
password and coins, and one reward (cost 1; without stock, or with `--stock N`
units so that redemptions also queue on its stock row). Then, each phase for
`--seconds`, with `earners + redeemers` client threads:

  1. `/healthz` alone: what the same server answers when a request does nothing;
  2. the money phase: `--earners` forum clients POST /api/v1/events (a new
     solution.accepted event each, for `--members` forum members created on
     first sight in a warm-up) while `--redeemers` members POST
     /api/v1/rewards/<id>/redeem with a fresh Idempotency-Key each.

It prints operations/s by kind, p50/p95/p99, errors by status, the `/healthz`
rate and the ratio money operations / `/healthz`; then checks the invariants
against the database: every 2xx the clients saw is in the ledger exactly once
(each paid event's award transfer, each 201's redemption and its debit),
nothing was paid twice (no transfer the clients were not told of), and
`reconcile` is clean. It exits 1 if an invariant fails.

Needs PostgreSQL (GOLDCOIN_TEST_PG, default postgresql://postgres@127.0.0.1:5432/postgres)
and Redis (GOLDCOIN_TEST_REDIS, default redis://127.0.0.1:6379/0).
"""
import argparse
import http.client
import json
import multiprocessing as mp
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("GOLDCOIN_ASYNC_MODE", "threading")

import redis  # noqa: E402
import requests  # noqa: E402
from load_invariants import check_invariants  # noqa: E402
from pgdb import create_database, drop_database, sa_url  # noqa: E402
from probes import CpuMeter, WaitSampler, worker_pids  # noqa: E402

REDIS_URL = os.environ.get("GOLDCOIN_TEST_REDIS", "redis://127.0.0.1:6379/0")
SECRET = "bench-load-" + "x" * 40
PASSWORD = "bench-password-1"
FUNDS = 10_000_000




def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(samples, p):
    if not samples:
        return float("nan")
    s = sorted(samples)
    return s[min(len(s) - 1, int(len(s) * p / 100))]


# --- setup --------------------------------------------------------------------




def app_for(url, prefix):
    from goldcoin import create_app

    return create_app({"ENV_NAME": "development", "SQLALCHEMY_DATABASE_URI": sa_url(url), "SECRET_KEY": SECRET,
                       "REDIS_URL": REDIS_URL, "REDIS_PREFIX": prefix, "GOLDCOIN_ASYNC_MODE": "threading"})


def setup(url, prefix, redeemers, stock):
    """Schema, system accounts, earning rules, the events token, funded members
    and the reward; returns (token, [usernames], reward id)."""
    from goldcoin.auth.service import create_token, register_member
    from goldcoin.earning.service import ensure_default_rules
    from goldcoin.extensions import db
    from goldcoin.ledger import ensure_system_accounts
    from goldcoin.ledger.adjustments import adjust_balance
    from goldcoin.store.service import create_reward

    app = app_for(url, prefix)
    with app.app_context():
        db.create_all()
        ensure_system_accounts(db.session)
        ensure_default_rules(db.session)
        _, token = create_token(db.session, "bench forum", "events")
        names = []
        for n in range(redeemers):
            user = register_member(db.session, f"redeemer{n}", f"redeemer{n}@example.com", PASSWORD)
            adjust_balance(db.session, user.id, FUNDS, reason="bench funds", key=f"bench:{user.id}")
            names.append(user.username)
        reward = create_reward(db.session, {"name": "Bench reward", "cost": 1, "kind": "badge", "code": "Bench",
                                            "stock": stock or None})
        db.session.commit()
        reward_id = reward.id
        db.engine.dispose()
    return token, names, reward_id


def start_servers(url, prefix, processes):
    env = dict(os.environ)
    env.update({
        "GOLDCOIN_ENV": "development", "GOLDCOIN_ASYNC_MODE": "gevent", "DATABASE_URL": sa_url(url),
        "REDIS_URL": REDIS_URL, "GOLDCOIN_REDIS_PREFIX": prefix, "SECRET_KEY": SECRET,
        "RATELIMIT_ENABLED": "0", "PYTHONUNBUFFERED": "1",
    })
    servers = []
    for _ in range(processes):
        port = free_port()
        log = open(ROOT / "instance" / f"bench-load-{port}.log", "w")
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-k", "gevent", "-w", "1", "-b", f"127.0.0.1:{port}",
             "--log-level", "warning", "app:app"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        servers.append((proc, port, log))
    for proc, port, _ in servers:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server on {port} exited with {proc.returncode}")
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server on {port} did not answer")
            time.sleep(0.2)  # polling a child process for readiness
    return servers


def stop_servers(servers):
    for proc, port, log in servers:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        (ROOT / "instance" / f"bench-load-{port}.log").unlink(missing_ok=True)


def login(port, username):
    """Cookie header and CSRF token of a logged-in member (the JSON API's dance)."""
    s = requests.Session()
    base = f"http://127.0.0.1:{port}"
    s.headers["X-CSRFToken"] = s.get(base + "/api/v1/auth/csrf").json()["csrf_token"]
    r = s.post(base + "/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    r.raise_for_status()
    cookie = "; ".join(f"{c.name}={c.value}" for c in s.cookies)
    return cookie, r.json()["csrf_token"]


# --- clients --------------------------------------------------------------------


class Client:
    """One keep-alive HTTP connection; returns (status, body, seconds)."""

    def __init__(self, port):
        self.port = port
        self.conn = None

    def call(self, method, path, body=None, headers=None):
        payload = json.dumps(body).encode() if body is not None else None
        headers = dict(headers or {})
        if payload is not None:
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            started = time.perf_counter()
            try:
                self.conn.request(method, path, body=payload, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                return response.status, data, time.perf_counter() - started
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection: reconnect once.
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def _loop(seconds, start, step):
    start.wait()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        step()


def healthz_thread(port, seconds, start, out):
    client, latencies, statuses = Client(port), [], Counter()

    def step():
        status, _, took = client.call("GET", "/healthz")
        statuses[status] += 1
        latencies.append(took)

    _loop(seconds, start, step)
    out.append(("healthz", latencies, statuses, []))


def earner_thread(port, seconds, start, out, token, members, tag):
    client, latencies, statuses, seen = Client(port), [], Counter(), []
    headers = {"Authorization": f"Bearer {token}"}
    n = 0

    def step():
        nonlocal n
        n += 1
        member = (n * 7919 + hash(tag)) % members
        event_id = f"{tag}-{n}"
        body = {"id": event_id, "type": "solution.accepted", "object_id": event_id,
                "user": {"external_id": f"forum-{member}", "username": f"forum{member}"}}
        status, data, took = client.call("POST", "/api/v1/events", body, headers)
        statuses[status] += 1
        latencies.append(took)
        if 200 <= status < 300:
            answer = json.loads(data)
            seen.append((event_id, answer["awarded"], answer["replayed"]))

    _loop(seconds, start, step)
    out.append(("earn", latencies, statuses, seen))


def redeemer_thread(port, seconds, start, out, cookie, csrf, reward_id, tag):
    client, latencies, statuses, seen = Client(port), [], Counter(), []
    headers = {"Cookie": cookie, "X-CSRFToken": csrf}
    n = 0

    def step():
        nonlocal n
        n += 1
        key = f"{tag}-{n}"
        status, data, took = client.call("POST", f"/api/v1/rewards/{reward_id}/redeem", {},
                                         dict(headers, **{"Idempotency-Key": key}))
        statuses[status] += 1
        latencies.append(took)
        if 200 <= status < 300:
            answer = json.loads(data)
            seen.append((key, answer["redemption_id"], answer["replayed"]))

    _loop(seconds, start, step)
    out.append(("redeem", latencies, statuses, seen))


def client_process(jobs, seconds, barrier, results):
    """Run this process's share of the client threads; put their records on `results`."""
    out, threads = [], []
    start = threading.Barrier(len(jobs) + 1)
    for fn, args in jobs:
        threads.append(threading.Thread(target=fn, args=(args[0], seconds, start, out) + tuple(args[1:])))
    for t in threads:
        t.start()
    barrier.wait()  # every process's threads start together
    start.wait()
    for t in threads:
        t.join()
    results.put(out)


def run_phase(jobs, seconds, processes=2):
    """Spread `jobs` [(thread fn, (port, ...))] over client processes (so the
    client's GIL is not the bottleneck); returns every thread's record."""
    shares = [jobs[i::processes] for i in range(processes)]
    shares = [s for s in shares if s]
    ctx = mp.get_context("fork")
    barrier, results = ctx.Barrier(len(shares)), ctx.Queue()
    procs = [ctx.Process(target=client_process, args=(share, seconds, barrier, results)) for share in shares]
    for p in procs:
        p.start()
    records = []
    for _ in procs:
        records.extend(results.get())
    for p in procs:
        p.join()
    return records


# --- report and invariants ----------------------------------------------------------


def summarise(records, kind, seconds):
    latencies = [x for k, lat, _, _ in records if k == kind for x in lat]
    statuses = Counter()
    for k, _, st, _ in records:
        if k == kind:
            statuses.update(st)
    ok = sum(n for status, n in statuses.items() if 200 <= status < 300)
    errors = {status: n for status, n in sorted(statuses.items()) if not 200 <= status < 300}
    ms = [x * 1000 for x in latencies]
    print(f"  {kind:8s} {ok / seconds:8.1f}/s ok   p50 {pct(ms, 50):7.1f} ms  p95 {pct(ms, 95):7.1f} ms"
          f"  p99 {pct(ms, 99):7.1f} ms   errors by status: {errors or 'none'}", flush=True)
    return ok, errors


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--earners", type=int, default=16)
    parser.add_argument("--redeemers", type=int, default=16)
    parser.add_argument("--members", type=int, default=200, help="forum members the events are spread over")
    parser.add_argument("--processes", type=int, default=1, choices=(1, 2))
    parser.add_argument("--stock", type=int, default=0, help="units of the reward (0: no stock)")
    args = parser.parse_args()
    (ROOT / "instance").mkdir(exist_ok=True)

    prefix = f"gcload:{uuid.uuid4().hex[:8]}:"
    name, url = create_database("gc_load")
    servers = []
    try:
        token, names, reward_id = setup(url, prefix, max(args.redeemers, 1), args.stock)
        servers = start_servers(url, prefix, args.processes)
        ports = [port for _, port, _ in servers]
        clients = args.earners + args.redeemers
        print(f"server: gunicorn -k gevent -w 1 x {args.processes} on PostgreSQL + Redis, rate limits off; "
              f"{args.earners} earners, {args.redeemers} redeemers, {args.seconds:g} s per phase", flush=True)

        # Warm-up: every forum member seen once (created on first sight), every redeemer logged in.
        warm = Client(ports[0])
        for m in range(args.members):
            # Below the upvote threshold: creates the member, pays nothing.
            body = {"id": f"warm-{m}", "type": "post.upvoted", "upvotes": 0, "object_id": f"warm-{m}",
                    "user": {"external_id": f"forum-{m}", "username": f"forum{m}"}}
            status, data, _ = warm.call("POST", "/api/v1/events", body, {"Authorization": f"Bearer {token}"})
            assert status == 202, (status, data)
        sessions = [login(ports[n % len(ports)], names[n % len(names)]) for n in range(args.redeemers)]

        pids = worker_pids(servers)
        jobs = [(healthz_thread, (ports[n % len(ports)],)) for n in range(clients)]
        with CpuMeter(pids) as meter:
            records = run_phase(jobs, args.seconds)
        print("phase 1, /healthz alone:")
        healthz_ok, _ = summarise(records, "healthz", args.seconds)
        print(meter.line(healthz_ok))

        run = uuid.uuid4().hex[:6]
        jobs = [(earner_thread, (ports[n % len(ports)], token, args.members, f"ev{run}{n}")) for n in range(args.earners)]
        jobs += [(redeemer_thread, (ports[n % len(ports)], sessions[n][0], sessions[n][1], reward_id, f"rd{run}{n}"))
                 for n in range(args.redeemers)]
        with CpuMeter(pids) as meter, WaitSampler(url) as waits:
            records = run_phase(jobs, args.seconds)
        print("phase 2, earning and redeeming at once:")
        earn_ok, earn_errors = summarise(records, "earn", args.seconds)
        redeem_ok, redeem_errors = summarise(records, "redeem", args.seconds)
        print(meter.line(earn_ok + redeem_ok))
        print(waits.line())
        money = (earn_ok + redeem_ok) / args.seconds
        health = healthz_ok / args.seconds
        print(f"money operations {money:.1f}/s, /healthz {health:.1f}/s: ratio {money / health:.3f}   (aim >= 0.25)")
        ok = check_invariants(app_for(url, "gc:unused:"), records)
        r = redis.Redis.from_url(REDIS_URL)
        for key in r.scan_iter(prefix + "*"):
            r.delete(key)
        sys.exit(0 if ok and not earn_errors and not redeem_errors else 1)
    finally:
        stop_servers(servers)
        drop_database(name)


if __name__ == "__main__":
    main()
