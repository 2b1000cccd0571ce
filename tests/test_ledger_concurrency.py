"""Many threads spending from one wallet at once: never an overdraft, never a lost update."""
import threading

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from goldcoin.extensions import db
from goldcoin.ledger import (
    SINK,
    InsufficientFunds,
    Transfer,
    balance_of,
    lock_accounts,
    reconcile,
    system_account_id,
    transfer,
    wallet_id,
)


def spend_concurrently(app, wallet, threads, attempts, cost):
    """Each thread tries `attempts` spends of `cost`; returns (successes, refusals)."""
    results = {"ok": 0, "refused": 0}
    lock = threading.Lock()
    start = threading.Barrier(threads, timeout=60)

    def worker(n):
        with app.app_context():
            sink = system_account_id(db.session, SINK)
            db.session.commit()  # hand the connection back while waiting
            start.wait()
            for i in range(attempts):
                try:
                    transfer(db.session, wallet, sink, cost, kind="redeem", key=f"spend:{n}:{i}")
                    db.session.commit()
                    outcome = "ok"
                except InsufficientFunds:
                    db.session.rollback()
                    outcome = "refused"
                with lock:
                    results[outcome] += 1
            db.session.remove()

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return results["ok"], results["refused"]


def _check(app, wallet, k, cost, ok, refused, threads, attempts):
    assert ok == k
    assert refused == threads * attempts - k
    with app.app_context():
        assert balance_of(db.session, wallet) == 0
        spent = db.session.scalar(select(func.count(Transfer.id)).where(Transfer.from_account_id == wallet))
        assert spent == k
        assert reconcile(db.session).ok


@pytest.fixture
def big_pool(app_config):
    # 50 threads with a transaction each need 50 connections at once.
    app_config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_size": 55, "max_overflow": 0}


@pytest.mark.postgresql_only
def test_fifty_threads_cannot_overdraw_a_wallet_on_postgresql(big_pool, app, make_user, db_kind):
    assert db_kind == "postgresql", "run this test in the PostgreSQL pass (--db postgresql)"
    k, cost = 37, 3
    user = make_user(coins=k * cost)
    with app.app_context():
        wallet = wallet_id(db.session, user.id)
    ok, refused = spend_concurrently(app, wallet, threads=50, attempts=3, cost=cost)
    _check(app, wallet, k, cost, ok, refused, 50, 3)


def test_threads_cannot_overdraw_a_wallet(app, make_user):
    """On SQLite too (BEGIN IMMEDIATE serialises writers); fewer threads."""
    k, cost = 9, 5
    user = make_user(coins=k * cost)
    with app.app_context():
        wallet = wallet_id(db.session, user.id)
    ok, refused = spend_concurrently(app, wallet, threads=8, attempts=3, cost=cost)
    _check(app, wallet, k, cost, ok, refused, 8, 3)


def test_concurrent_postings_of_one_key_pay_once(app, make_user):
    user = make_user()
    with app.app_context():
        wallet = wallet_id(db.session, user.id)
    barrier = threading.Barrier(8, timeout=60)
    replays = []

    def worker():
        with app.app_context():
            from goldcoin.ledger import MINT

            mint = system_account_id(db.session, MINT)
            db.session.commit()  # end the read before waiting (SQLite: it holds the lock)
            barrier.wait()
            posting = transfer(db.session, mint, wallet, 10, kind="earn.x", key="earn:x:same-cause")
            db.session.commit()
            replays.append(posting.replayed)
            db.session.remove()

    pool = [threading.Thread(target=worker) for _ in range(8)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert sorted(replays) == [False] + [True] * 7
    with app.app_context():
        assert balance_of(db.session, wallet) == 10


@pytest.mark.postgresql_only
def test_locked_accounts_stay_locked_until_the_holder_commits(app, make_user, db_kind):
    """lock_accounts is what store and earning rely on to check-then-post:
    while one transaction holds a wallet, nobody else's transfer moves it."""
    assert db_kind == "postgresql", "run this test in the PostgreSQL pass (--db postgresql)"
    alice, bob = make_user(coins=10), make_user()
    with app.app_context():
        engine = db.engine
    with Session(bind=engine) as holder, Session(bind=engine) as other:
        a, b = wallet_id(holder, alice.id), wallet_id(holder, bob.id)
        lock_accounts(holder, [b, a, b])  # any order and repeats: taken once each, by id
        other.execute(text("SET LOCAL lock_timeout = '300ms'"))
        with pytest.raises(OperationalError, match="lock"):
            transfer(other, a, b, 1, kind="gift", key="while-locked")
        other.rollback()
        holder.commit()
        transfer(other, a, b, 1, kind="gift", key="after-commit")
        other.commit()
        assert (balance_of(other, a), balance_of(other, b)) == (9, 1)
