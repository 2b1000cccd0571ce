"""Ledger throughput on PostgreSQL, beside raw SQL and the briefs' naive code.

Prints figures; it is not a test. 16 concurrent workers (processes, so that
Python's GIL does not hide the database's behaviour), each doing one spend per
transaction for a fixed time:

  (a) our ledger service, random wallet -> wallet transfers across 100k wallets
  (a') the earning shape: every transfer from `mint` to a random wallet
  (a'') the redeeming shape: every transfer from a random wallet to `sink`
       (both through the same `transfer`; aim: >= 0.8 x (a) in the same run,
       which holds only because no transfer updates a system account's row)
  (b) our ledger service, every worker spending from ONE hot wallet
  (c) the briefs' sample code (SELECT the balance, then UPDATE it), the same
      workloads, with the overdrafts and lost updates it produced
  (d) pgbench running the raw SQL pattern our ledger issues (INSERT ... ON
      CONFLICT DO NOTHING RETURNING the id and both accounts' kinds +
      conditional UPDATE + UPDATE of the two wallets, in account-id order
      as the ledger does, else pgbench's clients deadlock), same run, same DB

    .venv/bin/python bench/ledger.py [--seconds 5] [--workers 16] [--wallets 100000]

Needs PostgreSQL (GOLDCOIN_TEST_PG, default postgresql://postgres@127.0.0.1:5432/postgres).
"""
import argparse
import multiprocessing as mp
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("GOLDCOIN_ASYNC_MODE", "threading")

import psycopg  # noqa: E402
from pgdb import create_database, drop_database, sa_url  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

HOT_FUNDS = 1_000_000_000  # the hot wallet never runs dry during the timed runs
WALLET_FUNDS = 1_000_000






def setup_schema(url, wallets):
    """The real schema (create_all), `wallets` funded member wallets, and the
    briefs' naive tables with the same balances. Funding is posted as real
    transfers so that reconcile holds before and after."""
    from goldcoin import create_app
    from goldcoin.extensions import db
    from goldcoin.ledger import ensure_system_accounts

    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": sa_url(url)})
    with app.app_context():
        db.create_all()
        ensure_system_accounts(db.session)
        db.session.commit()
        db.engine.dispose()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO users (username, email, role, is_banned, created_at) "
            "SELECT 'u' || g, 'u' || g || '@example.com', 'member', false, now() FROM generate_series(1, %s) g",
            (wallets + 1,),
        )
        conn.execute(
            "INSERT INTO accounts (kind, user_id, balance, created_at) "
            "SELECT 'wallet', id, CASE WHEN username = 'u1' THEN %s ELSE %s END, now() FROM users",
            (HOT_FUNDS, WALLET_FUNDS),
        )
        conn.execute(
            "INSERT INTO transfers (from_account_id, to_account_id, amount, kind, memo, idempotency_key, created_at) "
            "SELECT (SELECT id FROM accounts WHERE code = 'adjustments'), a.id, a.balance, 'adjustment', 'bench funds', "
            "'bench:fund:' || a.id, now() FROM accounts a WHERE a.kind = 'wallet'"
        )
        # (`adjustments`, a system account, has no stored balance: its transfers are its balance.)
        # The briefs' schema: user_coins(user_id, total_coins) + coin_transactions.
        conn.execute("CREATE TABLE user_coins (user_id INT PRIMARY KEY, total_coins BIGINT NOT NULL)")
        conn.execute(
            "CREATE TABLE coin_transactions (transaction_id BIGSERIAL PRIMARY KEY, user_id INT, "
            "coin_amount BIGINT, action_type TEXT, description TEXT, ts TIMESTAMPTZ DEFAULT now())"
        )
        conn.execute("INSERT INTO user_coins SELECT id, balance FROM accounts WHERE kind = 'wallet'")
        conn.execute("ANALYZE")
        rows = conn.execute("SELECT id FROM accounts WHERE kind = 'wallet' ORDER BY id").fetchall()
    ids = [r[0] for r in rows]
    return ids[0], ids[1:]  # (hot wallet, the others)


def system_ids(url):
    with psycopg.connect(url) as conn:
        rows = dict(conn.execute("SELECT code, id FROM accounts WHERE kind = 'system'").fetchall())
    return rows["mint"], rows["sink"]


# --- workers ---------------------------------------------------------------


def _run_for(seconds, start, step):
    """Call step() until `seconds` after the shared start; return (ok, refused)."""
    ok = refused = 0
    start.wait()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if step():
            ok += 1
        else:
            refused += 1
    return ok, refused


def ledger_worker(args):
    url, seconds, hot, first, last, seed, start = args[:7]
    shape, system = args[7] if len(args) > 7 else (None, None)
    from goldcoin.ledger import InsufficientFunds, transfer

    rng = random.Random(seed)
    engine = create_engine(sa_url(url), pool_size=1)
    session = Session(bind=engine)

    def step():
        if shape == "earn":
            a, b = system, rng.randint(first, last)
        elif shape == "redeem":
            a, b = rng.randint(first, last), system
        elif hot:
            a, b = hot, rng.randint(first, last)
        else:
            a, b = rng.randint(first, last), rng.randint(first, last)
            if a == b:
                b = first if a != first else last
        try:
            transfer(session, a, b, 1, kind="bench", key=f"bench:{uuid.uuid4().hex}")
            session.commit()
            return True
        except InsufficientFunds:
            session.rollback()
            return False

    result = _run_for(seconds, start, step)
    session.close()
    engine.dispose()
    return result


def naive_worker(args):
    """The briefs' redeem_coins: SELECT the balance, check it, then write back
    what was read minus the cost (the ORM habit `user.coins -= cost`)."""
    url, seconds, hot, first, last, seed, start, cost = args
    rng = random.Random(seed)
    conn = psycopg.connect(url)

    def step():
        if hot:
            a, b = hot, rng.randint(first, last)
        else:
            a, b = rng.randint(first, last), rng.randint(first, last)
        (balance,) = conn.execute("SELECT total_coins FROM user_coins WHERE user_id = %s", (a,)).fetchone()
        if balance < cost:
            conn.rollback()
            return False
        conn.execute("UPDATE user_coins SET total_coins = %s WHERE user_id = %s", (balance - cost, a))
        conn.execute("UPDATE user_coins SET total_coins = total_coins + %s WHERE user_id = %s", (cost, b))
        conn.execute(
            "INSERT INTO coin_transactions (user_id, coin_amount, action_type, description) "
            "VALUES (%s, %s, 'redeemed', 'bench')",
            (a, cost),
        )
        conn.commit()
        return True

    result = _run_for(seconds, start, step)
    conn.close()
    return result


def run_pool(worker, argses, workers):
    with mp.Manager() as manager:
        start = manager.Barrier(workers)
        argses = [a[:6] + (start,) + a[6:] for a in argses]
        with mp.Pool(workers) as pool:
            results = pool.map(worker, argses)
    return sum(r[0] for r in results), sum(r[1] for r in results)


# --- pgbench -----------------------------------------------------------------

PGBENCH_SCRIPT = """\\set a random({first}, {last})
\\set b random({first}, {last})
\\set k random(1, 9000000000000000000)
BEGIN;
INSERT INTO transfers (from_account_id, to_account_id, amount, kind, memo, idempotency_key, created_at)
  VALUES (:a, :b, 1, 'pgbench', '', 'pgbench:' || :client_id || ':' || :k, now())
  ON CONFLICT DO NOTHING RETURNING id,
  (SELECT kind FROM accounts WHERE id = :a), (SELECT kind FROM accounts WHERE id = :b);
\\if :a < :b
UPDATE accounts SET balance = balance - 1 WHERE id = :a AND balance >= 1;
UPDATE accounts SET balance = balance + 1 WHERE id = :b;
\\else
UPDATE accounts SET balance = balance + 1 WHERE id = :b;
UPDATE accounts SET balance = balance - 1 WHERE id = :a AND balance >= 1;
\\endif
COMMIT;
"""


def run_pgbench(url, seconds, workers, first, last):
    if not shutil.which("pgbench"):
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(PGBENCH_SCRIPT.format(first=first, last=last))
        script = f.name
    try:
        done = subprocess.run(
            ["pgbench", "-n", "-c", str(workers), "-j", "2", "-T", str(seconds), "-f", script, url],
            capture_output=True,
            text=True,
        )
    finally:
        os.unlink(script)
    if done.returncode != 0:
        raise RuntimeError(f"pgbench failed ({done.returncode}):\n{done.stderr[-2000:]}")
    out = done.stdout
    for line in out.splitlines():
        if line.startswith("tps = "):
            return float(line.split()[2])
    raise RuntimeError("pgbench printed no tps:\n" + out)


def naive_hot_correctness(url, workers, hot, first, last, seconds):
    """K spends' worth of coins in one wallet, 16 naive workers spending: how
    many spends succeeded beyond K (overdrafts) and how many were lost."""
    cost, k = 7, 50
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE user_coins SET total_coins = %s WHERE user_id = %s", (k * cost, hot))
        conn.execute("DELETE FROM coin_transactions WHERE user_id = %s", (hot,))
    argses = [(url, seconds, hot, first, last, n, cost) for n in range(workers)]
    ok, _ = run_pool(naive_worker, argses, workers)
    with psycopg.connect(url) as conn:
        (final,) = conn.execute("SELECT total_coins FROM user_coins WHERE user_id = %s", (hot,)).fetchone()
    spent_by_log = ok * cost
    overdraft_spends = max(0, ok - k)
    lost_coins = spent_by_log - (k * cost - final)  # spends recorded but not taken from the balance
    return ok, k, final, overdraft_spends, lost_coins // cost


def ours_hot_correctness(url, workers, first, last, seconds):
    """The same K-spends experiment through our ledger."""
    cost, k = 7, 50
    from goldcoin.ledger import transfer

    engine = create_engine(sa_url(url))
    with Session(bind=engine) as s:
        hot = s.execute(
            text(
                "INSERT INTO users (username, email, role, is_banned, created_at) "
                "VALUES ('hot2', 'hot2@example.com', 'member', false, now()) RETURNING id"
            )
        ).scalar()
        wallet = s.execute(
            text("INSERT INTO accounts (kind, user_id, balance, created_at) VALUES ('wallet', :u, 0, now()) RETURNING id"),
            {"u": hot},
        ).scalar()
        adj = s.execute(text("SELECT id FROM accounts WHERE code = 'adjustments'")).scalar()
        transfer(s, adj, wallet, k * cost, kind="adjustment", key="bench:hot2")
        s.commit()
    engine.dispose()

    def worker_args(n):
        return (url, seconds, wallet, first, last, n)

    with mp.Manager() as manager:
        start = manager.Barrier(workers)
        with mp.Pool(workers) as pool:
            results = pool.map(_ours_cost_worker, [worker_args(n) + (start, cost) for n in range(workers)])
    ok = sum(r[0] for r in results)
    with psycopg.connect(url) as conn:
        (final,) = conn.execute("SELECT balance FROM accounts WHERE id = %s", (wallet,)).fetchone()
    return ok, k, final


def _ours_cost_worker(args):
    url, seconds, hot, first, last, seed, start, cost = args
    from goldcoin.ledger import InsufficientFunds, transfer

    rng = random.Random(seed)
    engine = create_engine(sa_url(url), pool_size=1)
    session = Session(bind=engine)

    def step():
        try:
            transfer(session, hot, rng.randint(first, last), cost, kind="bench", key=f"bench:{uuid.uuid4().hex}")
            session.commit()
            return True
        except InsufficientFunds:
            session.rollback()
            return False

    result = _run_for(seconds, start, step)
    engine.dispose()
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--wallets", type=int, default=100_000)
    args = parser.parse_args()
    n, s = args.workers, args.seconds

    name, url = create_database("gc_bench")
    try:
        print(f"setting up {args.wallets} wallets in {name} ...", flush=True)
        hot, others = setup_schema(url, args.wallets)
        first, last = others[0], others[-1]

        a_ok, _ = run_pool(ledger_worker, [(url, s, None, first, last, i) for i in range(n)], n)
        a = a_ok / s
        print(f"(a) ledger, {n} workers, random wallets:   {a:9.0f} transfers/s", flush=True)
        mint, sink = system_ids(url)
        e_ok, _ = run_pool(ledger_worker, [(url, s, None, first, last, i, ("earn", mint)) for i in range(n)], n)
        e = e_ok / s
        print(f"(a') ledger, earning shape, mint -> wallet: {e:9.0f} transfers/s", flush=True)
        r_ok, _ = run_pool(ledger_worker, [(url, s, None, first, last, i, ("redeem", sink)) for i in range(n)], n)
        r = r_ok / s
        print(f"(a'') ledger, redeem shape, wallet -> sink: {r:9.0f} transfers/s", flush=True)

        b_ok, _ = run_pool(ledger_worker, [(url, s, hot, first, last, i) for i in range(n)], n)
        b = b_ok / s
        print(f"(b) ledger, {n} workers, one hot wallet:   {b:9.0f} transfers/s", flush=True)

        c_ok, _ = run_pool(naive_worker, [(url, s, None, first, last, i, 1) for i in range(n)], n)
        c = c_ok / s
        print(f"(c) naive SELECT-then-UPDATE, random:      {c:9.0f} transfers/s", flush=True)
        ch_ok, _ = run_pool(naive_worker, [(url, s, hot, first, last, i, 1) for i in range(n)], n)
        ch = ch_ok / s
        print(f"(c') naive SELECT-then-UPDATE, hot wallet: {ch:9.0f} transfers/s", flush=True)

        d = run_pgbench(url, max(1, int(s)), n, first, last)
        if d is None:
            print("(d) pgbench not installed: skipped")
        else:
            print(f"(d) pgbench raw SQL pattern, random:       {d:9.0f} transfers/s", flush=True)

        ok, k, final, overdrafts, lost = naive_hot_correctness(url, n, hot, first, last, min(s, 3))
        print(
            f"naive, {n} workers on a wallet holding {k} spends: {ok} spends succeeded, "
            f"final balance {final}, overdrafts {overdrafts}, lost updates {lost}"
        )
        ok2, k2, final2 = ours_hot_correctness(url, n, first, last, min(s, 3))
        print(
            f"ours,  {n} workers on a wallet holding {k2} spends: {ok2} spends succeeded, "
            f"final balance {final2}, overdrafts {max(0, ok2 - k2)}"
        )

        print()
        print(f"ratio (a')/(a) = {e / a:.2f}   earning shape / random   (aim >= 0.8)")
        print(f"ratio (a'')/(a) = {r / a:.2f}   redeem shape / random    (aim >= 0.8)")
        if d:
            print(f"ratio (a)/(d) = {a / d:.2f}   (aim >= 0.5)")
        print(f"ratio (a)/(c) = {a / c:.2f}   (aim >= 1.0)")
        print(f"ratio (b)/(c') = {b / ch:.2f}")

        from goldcoin.ledger import reconcile

        engine = create_engine(sa_url(url))
        with Session(bind=engine) as session:
            report = reconcile(session)
        engine.dispose()
        print("reconcile after the runs: " + ("OK" if report.ok else "FAILED"))
        for line in report.lines():
            print("  " + line)
    finally:
        drop_database(name)


if __name__ == "__main__":
    main()
