"""No hot row: system accounts are never updated (their balance is derived
from transfers), so awards to different members and redemptions by different
members never wait for each other, and the hot requests stay short."""
import threading

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from goldcoin.auth.models import ApiToken
from goldcoin.earning import award
from goldcoin.earning.service import ensure_default_rules
from goldcoin.extensions import db
from goldcoin.ledger import MINT, SINK, Account, balance_of, reconcile, system_account_id, transfer, wallet_id
from goldcoin.store.service import create_reward, redeem_reward


def stored_balance(session, account_id):
    return session.scalar(select(Account.balance).where(Account.id == account_id))


def test_system_accounts_are_not_updated_their_balance_is_derived(session, make_user):
    alice = wallet_id(session, make_user().id)
    mint, sink = system_account_id(session, MINT), system_account_id(session, SINK)
    transfer(session, mint, alice, 10, kind="earn.test", key="earn:test:1")
    transfer(session, alice, sink, 4, kind="redeem", key="redeem:test:1")
    session.commit()

    assert (stored_balance(session, mint), stored_balance(session, sink)) == (0, 0)
    assert (balance_of(session, mint), balance_of(session, sink), balance_of(session, alice)) == (-10, 4, 6)
    report = reconcile(session)
    assert report.ok and report.total_balance == 0, list(report.lines())


def test_a_transfer_from_mint_is_two_statements(session, make_user):
    """The insert (which also reads both kinds) and the wallet's credit: no statement touches mint."""
    alice = wallet_id(session, make_user().id)
    mint = system_account_id(session, MINT)
    seen = []
    ours = session.connection()

    def record(conn, cursor, statement, *args):
        if conn is ours:
            seen.append(" ".join(statement.split()))

    event.listen(ours.engine, "before_cursor_execute", record)
    try:
        transfer(session, mint, alice, 5, kind="earn.test", key="earn:test:2")
    finally:
        event.remove(ours.engine, "before_cursor_execute", record)
    session.commit()
    assert len(seen) == 2, seen
    assert seen[0].startswith("INSERT INTO transfers") and seen[1].startswith("UPDATE accounts SET balance = balance +")


class Statements:
    """Counts the statements this thread sends (not a leaderboard tick's, say)."""

    def __init__(self, engine):
        self.engine, self.seen, self.thread = engine, [], threading.get_ident()

    def _record(self, conn, cursor, statement, *args):
        if threading.get_ident() == self.thread:
            self.seen.append(" ".join(statement.split()))

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self.seen

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._record)



def forum_event(n, external_id="f-1"):
    return {"id": f"e-{n}", "type": "solution.accepted", "user": {"external_id": external_id, "username": "forum ann"},
            "object_id": f"s-{n}"}


def test_the_hot_requests_have_a_statement_budget(app, client, make_api, make_user, events_token):
    """A new event of a known member, and a redemption, in statements: 24 and 19
    before system accounts were derived and the hot paths were cut. The event's
    last two are the member's "you earned" notification (their language, the row)."""
    headers = {"Authorization": f"Bearer {events_token}"}
    assert client.post("/api/v1/events", json=forum_event(0), headers=headers).status_code == 202
    with app.app_context():
        reward = create_reward(db.session, {"name": "Unlimited", "cost": 5, "kind": "content_access"}).id
        db.session.commit()
        engine = db.engine
    member = make_user(coins=100)
    member_api = make_api(member.username)

    with Statements(engine) as event_statements:
        r = client.post("/api/v1/events", json=forum_event(1), headers=headers)
    assert r.status_code == 202 and r.get_json()["awarded"] == 20
    with Statements(engine) as redeem_statements:
        r = member_api.post(f"/api/v1/rewards/{reward}/redeem", headers={"Idempotency-Key": "budget-1"})
    assert r.status_code == 201 and r.get_json()["balance"] == 95

    assert len(event_statements) <= 14, "\n".join(event_statements)
    assert len(redeem_statements) <= 9, "\n".join(redeem_statements)
    assert not [s for s in event_statements if "UPDATE api_tokens" in s], "the token row is written once a minute"


def test_the_events_token_row_is_written_once_a_minute(app, client, events_token):
    headers = {"Authorization": f"Bearer {events_token}"}
    client.post("/api/v1/events", json=forum_event(1), headers=headers)
    with app.app_context():
        first = db.session.scalar(select(ApiToken.last_used_at))
        db.session.remove()
    client.post("/api/v1/events", json=forum_event(2), headers=headers)
    with app.app_context():
        assert first is not None and db.session.scalar(select(ApiToken.last_used_at)) == first


# --- PostgreSQL: a transaction in progress does not hold up another member's ---


def waits_nothing(session):
    """Any row lock this transaction would wait for fails it at once instead."""
    session.execute(text("SET LOCAL lock_timeout = '100ms'"))


@pytest.mark.postgresql_only
def test_an_award_in_progress_does_not_hold_up_an_award_to_another_member(app, make_user, db_kind):
    assert db_kind == "postgresql", "run this test in the PostgreSQL pass (--db postgresql)"
    alice, bob = make_user(), make_user()
    with app.app_context():
        ensure_default_rules(db.session)
        db.session.commit()
        engine = db.engine
    with Session(bind=engine) as first, Session(bind=engine) as second:
        assert award(first, alice.id, "solution", object_key="q:1", memo="a").paid == 20  # not committed yet
        waits_nothing(second)
        assert award(second, bob.id, "solution", object_key="q:2", memo="b").paid == 20
        second.commit()
        first.commit()


@pytest.mark.postgresql_only
def test_a_redemption_in_progress_does_not_hold_up_another_members(app, make_user, db_kind):
    assert db_kind == "postgresql", "run this test in the PostgreSQL pass (--db postgresql)"
    alice, bob = make_user(coins=50), make_user(coins=50)
    with app.app_context():
        reward = create_reward(db.session, {"name": "Unlimited", "cost": 10, "kind": "content_access"}).id
        db.session.commit()
        engine = db.engine
    with Session(bind=engine) as first, Session(bind=engine) as second:
        assert not redeem_reward(first, alice.id, reward, "a-1").replayed  # not committed yet
        waits_nothing(second)
        assert redeem_reward(second, bob.id, reward, "b-1").balance == 40
        second.commit()
        first.commit()
