"""Races on PostgreSQL: caps, one cause, one event id. Every thread has its own
session and transaction; a barrier starts them together."""
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from goldcoin.earning import award
from goldcoin.earning.events import process_event
from goldcoin.earning.service import ensure_default_rules, get_rule
from goldcoin.extensions import db
from goldcoin.ledger import balance_of, wallet_id
from goldcoin.ledger.models import Transfer

THREADS = 8


@pytest.fixture
def pool(app_config):
    app_config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_size": THREADS + 4, "max_overflow": 0}


def run_together(app, work):
    """Run work(session, n) in THREADS threads at once; returns their results."""
    with app.app_context():
        engine = db.engine
    results, errors = [None] * THREADS, []
    start = threading.Barrier(THREADS, timeout=60)

    def worker(n):
        with Session(bind=engine) as session:
            start.wait()
            try:
                results[n] = work(session, n)
                session.commit()
            except Exception as exc:  # noqa: BLE001 - reported by the test
                session.rollback()
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return results


@pytest.mark.postgresql_only
def test_concurrent_awards_cannot_pass_the_daily_cap(pool, app, session, make_user, db_kind):
    assert db_kind == "postgresql"
    alice = make_user()
    ensure_default_rules(session)
    get_rule(session, "solution").daily_cap_count = 3
    session.commit()
    results = run_together(app, lambda s, n: award(s, alice.id, "solution", object_key=f"q:{n}", memo="a"))
    assert sorted(r.reason for r in results) == ["capped"] * (THREADS - 3) + ["paid"] * 3
    session.expire_all()
    assert balance_of(session, wallet_id(session, alice.id)) == 60


@pytest.mark.postgresql_only
def test_concurrent_awards_of_one_cause_pay_once(pool, app, session, make_user, db_kind):
    assert db_kind == "postgresql"
    alice = make_user()
    ensure_default_rules(session)
    session.commit()
    results = run_together(app, lambda s, n: award(s, alice.id, "ea_verified", object_key="ea:1", memo="a"))
    assert sorted(r.paid for r in results) == [0] * (THREADS - 1) + [50]
    session.expire_all()
    assert balance_of(session, wallet_id(session, alice.id)) == 50


@pytest.mark.postgresql_only
def test_concurrent_deliveries_of_one_event_pay_once(pool, app, session, db_kind):
    assert db_kind == "postgresql"
    ensure_default_rules(session)
    session.commit()
    body = {"id": "evt-1", "type": "solution.accepted", "user": {"external_id": "x1", "username": "racer"},
            "object_id": "s-1"}
    results = run_together(app, lambda s, n: process_event(s, body))
    assert all(r.awarded == 20 for r in results)
    assert sum(not r.replayed for r in results) == 1
    assert session.scalar(select(func.count(Transfer.id)).where(Transfer.kind == "earn.solution")) == 1
