"""Stock and per-member limits hold when many redeem at once."""
import threading

import pytest
from sqlalchemy import func, select

from goldcoin.extensions import db
from goldcoin.ledger import InsufficientFunds, balance_of, wallet_id
from goldcoin.store.errors import LimitReached, OutOfStock, StoreError
from goldcoin.store.models import Redemption, Reward
from goldcoin.store.service import redeem_reward


def redeem_concurrently(app, jobs):
    """jobs: [(user_id, reward_id, key)] run at once, one thread each; returns outcome names."""
    outcomes = []
    lock = threading.Lock()
    start = threading.Barrier(len(jobs), timeout=60)

    def worker(user_id, reward_id, key):
        with app.app_context():
            start.wait()
            try:
                result = redeem_reward(db.session, user_id, reward_id, key)
                db.session.commit()
                outcome = "replayed" if result.replayed else "ok"
            except (StoreError, InsufficientFunds) as exc:
                db.session.rollback()
                outcome = type(exc).__name__
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=worker, args=job) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcomes) == len(jobs), "a worker died"
    return outcomes


@pytest.fixture
def big_pool(app_config, db_kind):
    if db_kind == "postgresql":
        app_config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_size": 55, "max_overflow": 0}


def _stock_race(app, make_user, make_reward, members, stock):
    users = [make_user(coins=100) for _ in range(members)]
    reward = make_reward(cost=40, stock=stock)
    outcomes = redeem_concurrently(app, [(u.id, reward, f"k{n}") for n, u in enumerate(users)])
    assert outcomes.count("ok") == stock
    assert outcomes.count(OutOfStock.__name__) == members - stock
    with app.app_context():
        assert db.session.get(Reward, reward).stock == 0
        assert db.session.scalar(select(func.count(Redemption.id))) == stock
        paid = [u.id for u in users if balance_of(db.session, wallet_id(db.session, u.id)) == 60]
        assert len(paid) == stock


@pytest.mark.postgresql_only
def test_fifty_concurrent_redeems_of_stock_five_sell_exactly_five(big_pool, app, make_user, make_reward, db_kind):
    assert db_kind == "postgresql", "run this test in the PostgreSQL pass (--db postgresql)"
    _stock_race(app, make_user, make_reward, members=50, stock=5)


def test_concurrent_redeems_never_oversell(big_pool, app, make_user, make_reward):
    _stock_race(app, make_user, make_reward, members=8, stock=3)


def test_per_member_limit_holds_under_concurrency(big_pool, app, make_user, make_reward, db_kind):
    threads = 20 if db_kind == "postgresql" else 8
    alice = make_user("alice", coins=10_000)
    reward = make_reward(cost=10, kind="badge", code="Limited", per_user_limit=2)
    outcomes = redeem_concurrently(app, [(alice.id, reward, f"k{n}") for n in range(threads)])
    assert outcomes.count("ok") == 2
    assert outcomes.count(LimitReached.__name__) == threads - 2
    with app.app_context():
        assert balance_of(db.session, wallet_id(db.session, alice.id)) == 10_000 - 20


def test_the_same_key_at_once_charges_once(big_pool, app, make_user, make_reward):
    alice = make_user("alice", coins=1000)
    reward = make_reward(cost=100)
    outcomes = redeem_concurrently(app, [(alice.id, reward, "double-click")] * 6)
    assert sorted(outcomes) == ["ok"] + ["replayed"] * 5
    with app.app_context():
        assert balance_of(db.session, wallet_id(db.session, alice.id)) == 900


def test_purchases_and_redeems_of_the_same_author_at_once_do_not_deadlock(big_pool, app, make_user, make_reward, db_kind):
    """Buyers paying an author while the author redeems: every lock is taken
    in account-id order, so PostgreSQL never has to break a deadlock."""
    from goldcoin.store.purchases import buy_item

    n = 10 if db_kind == "postgresql" else 4
    author = make_user("author", coins=1000)
    buyers = [make_user(coins=100) for _ in range(n)]
    reward = make_reward(cost=10)
    start = threading.Barrier(2 * n, timeout=60)
    errors = []

    def buy(buyer_id, i):
        with app.app_context():
            start.wait()
            try:
                buy_item(db.session, buyer_id, f"ea:{i}", author.id, 20)
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - any failure is the finding
                errors.append(repr(exc))
            finally:
                db.session.remove()

    def redeem(i):
        with app.app_context():
            start.wait()
            try:
                redeem_reward(db.session, author.id, reward, f"r{i}")
                db.session.commit()
            except Exception as exc:  # noqa: BLE001
                errors.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=buy, args=(b.id, i)) for i, b in enumerate(buyers)]
    threads += [threading.Thread(target=redeem, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with app.app_context():
        assert balance_of(db.session, wallet_id(db.session, author.id)) == 1000 - 10 * n + 14 * n
