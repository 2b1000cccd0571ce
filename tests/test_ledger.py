"""The ledger as worked examples: each test reads like an accounting scenario."""
import pytest
from sqlalchemy import event, select, text
from sqlalchemy.exc import IntegrityError

from goldcoin.aftercommit import _subscribers, subscribe
from goldcoin.ledger import (
    MINT,
    SINK,
    Account,
    AlreadyReversed,
    IdempotencyConflict,
    InsufficientFunds,
    LedgerError,
    Transfer,
    balance_of,
    earned_total,
    reconcile,
    reverse,
    system_account_id,
    transfer,
    wallet_id,
)
from goldcoin.ledger.adjustments import adjust_balance


@pytest.fixture
def wallets(app, make_user, session):
    alice = make_user("alice")
    bob = make_user("bob")
    return wallet_id(session, alice.id), wallet_id(session, bob.id)


def test_earn_then_spend(session, wallets):
    alice, _ = wallets
    mint, sink = system_account_id(session, MINT), system_account_id(session, SINK)

    transfer(session, mint, alice, 10, kind="earn.post_quality", key="earn:post_quality:post:1")
    transfer(session, alice, sink, 4, kind="redeem", key="redeem:abc")
    session.commit()

    assert balance_of(session, alice) == 6
    assert balance_of(session, mint) == -10
    assert balance_of(session, sink) == 4
    assert earned_total(session, alice) == 10


def test_spending_more_than_the_wallet_holds_moves_nothing(session, wallets):
    alice, _ = wallets
    mint, sink = system_account_id(session, MINT), system_account_id(session, SINK)
    transfer(session, mint, alice, 5, kind="earn.solution", key="k1")

    with pytest.raises(InsufficientFunds):
        transfer(session, alice, sink, 6, kind="redeem", key="k2")
    session.commit()

    assert balance_of(session, alice) == 5
    assert session.scalar(select(Transfer).where(Transfer.idempotency_key == "k2")) is None


def test_the_same_key_twice_pays_once(session, wallets):
    alice, _ = wallets
    mint = system_account_id(session, MINT)

    first = transfer(session, mint, alice, 20, kind="earn.solution", key="earn:solution:question:7")
    again = transfer(session, mint, alice, 20, kind="earn.solution", key="earn:solution:question:7")
    session.commit()

    assert again.transfer.id == first.transfer.id
    assert again.replayed and not first.replayed
    assert balance_of(session, alice) == 20


def test_a_key_reused_for_another_amount_is_a_conflict(session, wallets):
    alice, bob = wallets
    mint = system_account_id(session, MINT)
    transfer(session, mint, alice, 20, kind="earn.solution", key="k")

    with pytest.raises(IdempotencyConflict):
        transfer(session, mint, alice, 21, kind="earn.solution", key="k")
    with pytest.raises(IdempotencyConflict):
        transfer(session, mint, bob, 20, kind="earn.solution", key="k")
    session.commit()
    assert balance_of(session, alice) == 20 and balance_of(session, bob) == 0


def test_reversal_posts_the_opposite_transfer_and_keeps_the_original(session, wallets):
    alice, _ = wallets
    mint = system_account_id(session, MINT)
    paid = transfer(session, mint, alice, 10, kind="earn.post_quality", key="earn:post:9").transfer
    session.commit()

    undo = reverse(session, paid.id, memo="post removed by a moderator").transfer
    session.commit()

    assert (undo.from_account_id, undo.to_account_id, undo.amount) == (alice, mint, 10)
    assert undo.reverses_id == paid.id and undo.kind == "earn.post_quality"
    assert session.get(Transfer, paid.id).amount == 10  # the original is untouched
    assert balance_of(session, alice) == 0
    assert earned_total(session, alice) == 0  # a clawback un-earns


def test_a_transfer_is_reversed_once(session, wallets):
    alice, _ = wallets
    mint = system_account_id(session, MINT)
    paid = transfer(session, mint, alice, 10, kind="earn.x", key="k").transfer
    first = reverse(session, paid.id, memo="oops").transfer
    assert reverse(session, paid.id, memo="oops again").transfer.id == first.id  # same default key: a retry
    with pytest.raises(AlreadyReversed):
        reverse(session, paid.id, memo="other", key="another-key")
    with pytest.raises(LedgerError):
        reverse(session, first.id, memo="reversing a reversal")
    session.commit()
    assert balance_of(session, alice) == 0


def test_reversal_cannot_overdraw_a_wallet_that_spent_the_coins(session, wallets):
    alice, _ = wallets
    mint, sink = system_account_id(session, MINT), system_account_id(session, SINK)
    paid = transfer(session, mint, alice, 10, kind="earn.x", key="k1").transfer
    transfer(session, alice, sink, 8, kind="redeem", key="k2")
    with pytest.raises(InsufficientFunds):
        reverse(session, paid.id, memo="clawback")
    session.commit()
    assert balance_of(session, alice) == 2


@pytest.mark.parametrize("amount", [0, -5, 1.5, "10", True, None])
def test_amounts_are_positive_integers(session, wallets, amount):
    alice, bob = wallets
    with pytest.raises(LedgerError):
        transfer(session, alice, bob, amount, kind="x", key="k")


def test_a_transfer_needs_two_accounts_and_a_key(session, wallets):
    alice, bob = wallets
    with pytest.raises(LedgerError):
        transfer(session, alice, alice, 1, kind="x", key="k")
    with pytest.raises(LedgerError):
        transfer(session, alice, bob, 1, kind="x", key="")


def test_adjustments_give_and_take_through_the_adjustments_account(session, app, make_user):
    carol = make_user("carol")
    adjust_balance(session, carol.id, 50, reason="support refund", key="ticket-1")
    adjust_balance(session, carol.id, 50, reason="support refund", key="ticket-1")  # retried
    adjust_balance(session, carol.id, -20, reason="chargeback", key="ticket-2")
    with pytest.raises(InsufficientFunds):
        adjust_balance(session, carol.id, -31, reason="too much", key="ticket-3")
    with pytest.raises(LedgerError):
        adjust_balance(session, carol.id, 5, reason="  ")
    session.commit()
    assert balance_of(session, wallet_id(session, carol.id)) == 30


def test_the_database_refuses_a_negative_wallet_even_without_the_ledger(session, wallets):
    alice, _ = wallets
    with pytest.raises(IntegrityError):  # the CHECK constraint, on both databases
        session.execute(text("UPDATE accounts SET balance = -1 WHERE id = :id"), {"id": alice})
        session.flush()
    session.rollback()


def test_reconcile_reports_a_tampered_balance(session, wallets, runner):
    alice, _ = wallets
    mint = system_account_id(session, MINT)
    transfer(session, mint, alice, 10, kind="earn.x", key="k")
    session.commit()
    assert reconcile(session).ok
    session.commit()  # end the read: on SQLite it holds the write lock
    assert runner.invoke(args=["goldcoin", "reconcile"]).exit_code == 0

    session.execute(text("UPDATE accounts SET balance = balance + 5 WHERE id = :id"), {"id": alice})
    session.commit()
    report = reconcile(session)
    session.commit()
    assert not report.ok
    assert report.total_balance == 5
    assert report.mismatched == [(alice, 15, 10)]
    result = runner.invoke(args=["goldcoin", "reconcile"])
    assert result.exit_code == 1
    assert "FAIL balances sum to 5" in result.output
    # Put it back so the fixture's own reconcile passes.
    session.execute(text("UPDATE accounts SET balance = balance - 5 WHERE id = :id"), {"id": alice})
    session.commit()


@pytest.fixture
def seen_events():
    seen = []

    def record(payload):
        seen.append(payload)

    subscribe("transfer_posted")(record)
    yield seen
    _subscribers["transfer_posted"].remove(record)


def test_events_are_dispatched_only_after_commit(session, wallets, seen_events):
    alice, _ = wallets
    mint = system_account_id(session, MINT)
    posted = transfer(session, mint, alice, 7, kind="earn.x", key="k", memo="hello").transfer
    assert seen_events == []
    session.commit()
    assert [e["transfer_id"] for e in seen_events] == [posted.id]
    [wallet] = seen_events[0]["wallets"]
    assert wallet["balance"] == 7 and wallet["delta"] == 7
    assert seen_events[0]["memo"] == "hello"


def test_a_rolled_back_transfer_is_never_announced(session, wallets, seen_events):
    alice, _ = wallets
    mint = system_account_id(session, MINT)
    transfer(session, mint, alice, 7, kind="earn.x", key="k")
    session.rollback()
    session.commit()
    assert seen_events == []


def test_a_rolled_back_savepoint_drops_only_its_own_events(session, wallets, seen_events):
    alice, bob = wallets
    mint = system_account_id(session, MINT)
    transfer(session, mint, alice, 1, kind="earn.x", key="kept")
    savepoint = session.begin_nested()
    transfer(session, mint, bob, 1, kind="earn.x", key="dropped")
    savepoint.rollback()
    session.commit()
    assert [w["user_id"] for e in seen_events for w in e["wallets"]] == [session.get(Account, alice).user_id]
    assert balance_of(session, bob) == 0


def test_a_transfer_is_three_statements_that_the_engines_events_see(session, wallets):
    """The ledger's driver SQL goes through the engine, so cursor events (and
    with them logging and query counting) see it: an insert and two updates."""
    alice, bob = wallets
    mint = system_account_id(session, MINT)
    transfer(session, mint, alice, 5, kind="earn.x", key="fund")
    session.commit()
    balance_of(session, alice)  # the transaction is begun before we count
    ours = session.connection()
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if conn is ours:  # not another thread's work (a leaderboard tick, say)
            seen.append(" ".join(statement.split()))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        transfer(session, alice, bob, 3, kind="gift", key="gift:1")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    session.commit()

    assert len(seen) == 3, seen
    assert seen[0].startswith("INSERT INTO transfers")
    debit = [s for s in seen if s.startswith("UPDATE accounts SET balance = balance -")]
    credit = [s for s in seen if s.startswith("UPDATE accounts SET balance = balance +")]
    assert len(debit) == 1 and "balance >=" in debit[0] and len(credit) == 1
    # In account-id order: the lower id is updated first, whichever way the coins go.
    assert seen[1] == (debit[0] if alice < bob else credit[0])
    assert (balance_of(session, alice), balance_of(session, bob)) == (2, 3)
