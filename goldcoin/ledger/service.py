"""The only code that moves coins.

Plain SQLAlchemy: every function takes the session to work in, flushes, and
never commits. The caller (a request, a CLI command, a worker) commits once.

A transfer is at most three statements: insert the transfer with ON CONFLICT
DO NOTHING (its idempotency key is unique, so a second posting of the same
cause inserts nothing and hands back the first; the insert also returns both
accounts' kinds), then the balance update of each member wallet it touches,
in account-id order (so two transfers between the same wallets in opposite
directions cannot deadlock). The debit is conditional, `balance >= amount`,
so a wallet can never be overdrawn and no balance is ever read and written
back; when it is refused, the transfer's own uncommitted row is removed.

System accounts (`mint`, `sink`, ...) have no stored balance to update: their
balance is derived from their transfers (credits minus debits, see
`balance_of` and docs/ledger.md). They may go negative, so there is nothing to
check, and no transfer ever waits on a system account's row: every award
comes from `mint` and every redemption goes to `sink`, and a stored balance
there would make all earning, and all redeeming, one at a time.

Account-id order is the ledger's one lock order for wallets: `transfer`
updates in it, and `lock_accounts` is how any other domain that must hold
wallets across several statements takes them in it (see accounts.py).
"""
import re
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.util import identity_key

from goldcoin.aftercommit import queue_event

from .errors import (
    AlreadyReversed,
    IdempotencyConflict,
    InsufficientFunds,
    LedgerError,
    UnknownAccount,
)
from .models import WALLET, Account, Transfer, utcnow


class Posting(NamedTuple):
    """What posting a transfer did: the transfer, and whether it was a replay
    of a key posted before (in which case nothing moved this time); for a new
    posting, `balances` maps each member wallet it moved to its new balance
    (read by the UPDATE itself, so callers need not read it again)."""

    transfer: Transfer
    replayed: bool
    balances: dict | None = None


def transfer(
    session,
    from_account_id,
    to_account_id,
    amount,
    *,
    kind,
    key,
    memo="",
    reference=None,
    actor_id=None,
    reverses_id=None,
):
    """Move `amount` coins; returns a Posting(transfer, replayed).

    Posting a `key` that was posted before moves nothing and returns the first
    transfer with `replayed=True`; a key reused for a different transfer
    raises IdempotencyConflict. A wallet that cannot cover the amount raises
    InsufficientFunds and nothing is written.
    """
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise LedgerError(f"amount must be a positive integer of coins, not {amount!r}")
    if from_account_id == to_account_id:
        raise LedgerError("a transfer needs two different accounts")
    if not key:
        raise LedgerError("every transfer needs an idempotency key")

    # Driver SQL bypasses the unit of work: write pending ORM changes first.
    session.flush()
    driver = _Driver(session)
    values = dict(
        from_account_id=from_account_id,
        to_account_id=to_account_id,
        amount=amount,
        kind=kind,
        memo=(memo or "")[:255],
        reference=reference,
        idempotency_key=key,
        reverses_id=reverses_id,
        actor_id=actor_id,
        created_at=utcnow(),
    )
    inserted = driver.insert_once(values)
    if inserted is None:
        return Posting(_first_posting(session, values), True)
    new_id, from_kind, to_kind = inserted
    try:
        moved, balances = _move(driver, (from_account_id, from_kind), (to_account_id, to_kind), amount)
    except LedgerError:
        # Only this transaction can see the row: removing it leaves no trace.
        driver.run("delete", {"transfer_id": new_id})
        raise
    for account_id in (from_account_id, to_account_id):
        cached = session.identity_map.get(identity_key(Account, account_id))
        if cached is not None:
            session.expire(cached, ["balance"])

    posted = Transfer(id=new_id, **values)
    make_transient_to_detached(posted)
    session.add(posted)
    queue_event(
        session,
        "transfer_posted",
        {
            "transfer_id": new_id,
            "amount": amount,
            "kind": kind,
            "memo": values["memo"],
            "reference": reference,
            "created_at": values["created_at"].isoformat(),
            "reverses_id": reverses_id,
            # One entry per member wallet touched: who, new balance, signed delta.
            "wallets": [
                {"user_id": user_id, "balance": balance, "delta": delta}
                for (user_id, balance, delta) in moved
                if user_id is not None
            ],
        },
    )
    return Posting(posted, False, {account_id: balance for account_id, balance in balances})


# The hot path sends driver SQL (exec_driver_sql): measured with
# bench/ledger.py, compiling Core statements was most of the CPU a transfer
# cost. It still goes through the engine, so SQLAlchemy's cursor events,
# echo logging and query counting see every statement. Written in the SQL
# that PostgreSQL and SQLite share (ON CONFLICT DO NOTHING, UPDATE ... RETURNING).
_SQL = {
    # DO NOTHING on any unique conflict: the idempotency key, or a second
    # reversal of the same transfer.
    "insert_once": (
        "INSERT INTO transfers (from_account_id, to_account_id, amount, kind, memo, reference,"
        " idempotency_key, reverses_id, actor_id, created_at)"
        " VALUES (:from_account_id, :to_account_id, :amount, :kind, :memo, :reference,"
        " :idempotency_key, :reverses_id, :actor_id, :created_at)"
        " ON CONFLICT DO NOTHING RETURNING id,"
        # The kinds tell `_move` which rows to update (wallets only), without a statement of its own.
        " (SELECT kind FROM accounts WHERE id = :from_account_id),"
        " (SELECT kind FROM accounts WHERE id = :to_account_id)"
    ),
    # Only member wallets are updated, and they cannot go below zero.
    "debit": (
        "UPDATE accounts SET balance = balance - :amount"
        " WHERE id = :account_id AND balance >= :amount"
        " RETURNING user_id, balance"
    ),
    "credit": "UPDATE accounts SET balance = balance + :amount WHERE id = :account_id RETURNING user_id, balance",
    "uncredit": "UPDATE accounts SET balance = balance - :amount WHERE id = :account_id",
    "delete": "DELETE FROM transfers WHERE id = :transfer_id",
}
_SUPPORTED = ("postgresql", "sqlite")
_driver_sql_cache = {}


def _driver_sql(dialect, name):
    """The statement in the driver's parameter style (sqlite3 :name, psycopg %(name)s)."""
    key = (dialect.paramstyle, name)
    sql = _driver_sql_cache.get(key)
    if sql is None:
        sql = _SQL[name]
        if dialect.paramstyle == "pyformat":
            sql = re.sub(r":(\w+)", r"%(\1)s", sql)
        _driver_sql_cache[key] = sql
    return sql


class _Driver:
    """Runs the ledger's statements on the session's own connection and transaction."""

    def __init__(self, session):
        self.conn = session.connection()
        self.dialect = self.conn.dialect
        if self.dialect.name not in _SUPPORTED:
            raise LedgerError(f"the ledger runs on PostgreSQL or SQLite, not {self.dialect.name}")
        # Driver SQL skips SQLAlchemy's type processing: convert the one typed value ourselves.
        self._created_at = Transfer.__table__.c.created_at.type.bind_processor(self.dialect)

    def one(self, name, params):
        return self.conn.exec_driver_sql(_driver_sql(self.dialect, name), params).first()

    def run(self, name, params):
        self.conn.exec_driver_sql(_driver_sql(self.dialect, name), params)

    def insert_once(self, values):
        """(new transfer id, from account's kind, to account's kind), or None
        when its key was posted before."""
        params = dict(values)
        if self._created_at is not None:
            params["created_at"] = self._created_at(params["created_at"])
        row = self.one("insert_once", params)
        return tuple(row) if row else None


def _first_posting(session, values):
    """The transfer that already holds this key; refuse if it is a different one."""
    key = values["idempotency_key"]
    first = session.scalar(select(Transfer).where(Transfer.idempotency_key == key))
    if first is None:
        reverses_id = values["reverses_id"]
        if reverses_id is not None and _reversal_of(session, reverses_id) is not None:
            raise AlreadyReversed(_("Transfer %(id)s has been reversed already.", id=reverses_id))
        raise LedgerError(f"transfer with key {key!r} conflicts with another unique value")
    wanted = (values["from_account_id"], values["to_account_id"], values["amount"])
    if (first.from_account_id, first.to_account_id, first.amount) != wanted:
        raise IdempotencyConflict(
            f"key {key!r} was used for transfer {first.id} "
            f"({first.amount} from {first.from_account_id} to {first.to_account_id})"
        )
    return first


def _move(driver, source, target, amount):
    """Apply the balance change of each member wallet in (account_id, kind)
    `source` and `target`, in account-id order (so that two opposite transfers
    cannot deadlock); return ([(user_id, new balance, delta)], [(account_id,
    new balance)]) of the wallets.

    A system account's row is left alone: its balance is derived from the
    transfer just inserted. If a wallet debit is refused after the credit went
    through, the credit is taken back before raising, so the caller's
    transaction is left as it was."""
    moved, balances = [], []
    for account_id, kind in sorted((source, target)):
        if kind is None:
            # SQLite without foreign-key enforcement; PostgreSQL refused the insert already.
            if moved:
                driver.run("uncredit", {"account_id": target[0], "amount": amount})
            raise UnknownAccount(f"no account {account_id}")
        if kind != WALLET:
            continue
        debit = account_id == source[0]
        row = driver.one("debit" if debit else "credit", {"account_id": account_id, "amount": amount})
        if row is None:  # only a debit can be refused: the row exists (its kind was read)
            if moved:  # the credit went through first: take it back
                driver.run("uncredit", {"account_id": target[0], "amount": amount})
            raise InsufficientFunds(f"account {account_id} cannot cover {amount} coins")
        moved.append((row[0], row[1], -amount if debit else amount))
        balances.append((account_id, row[1]))
    return moved, balances


def _reversal_of(session, transfer_id):
    return session.scalar(select(Transfer).where(Transfer.reverses_id == transfer_id))


_reversal_handlers = {}


def on_reversal(kind):
    """Register `fn(session, original_transfer)`: what else a reversal of a
    transfer of `kind` must undo (a redemption's entitlement, say). It runs in
    the reversal's transaction, so both happen or neither; the ledger itself
    stays ignorant of what the coins bought."""

    def register(fn):
        _reversal_handlers[kind] = fn
        return fn

    return register


def reverse(session, transfer_id, *, memo, actor_id=None, key=None):
    """Post the transfer that undoes `transfer_id` (same kind, opposite way); a Posting.

    A transfer is reversed at most once; asking again with the same key
    returns the first reversal. Reversing a reversal is refused: post a new
    transfer instead. The kind's `on_reversal` handler, if any, runs once.
    """
    original = session.get(Transfer, transfer_id)
    if original is None:
        raise LedgerError(_("No transfer %(id)s.", id=transfer_id))
    if original.reverses_id is not None:
        raise LedgerError(_("Transfer %(id)s is itself a reversal.", id=transfer_id))
    key = key or f"reverse:{transfer_id}"
    existing = _reversal_of(session, transfer_id)
    if existing is not None:
        if existing.idempotency_key == key:
            return Posting(existing, True)
        raise AlreadyReversed(_("Transfer %(id)s was reversed by transfer %(by)s.", id=transfer_id, by=existing.id))
    posting = transfer(
        session,
        original.to_account_id,
        original.from_account_id,
        original.amount,
        kind=original.kind,
        key=key,
        memo=memo or f"reversal of #{original.id}",
        reference=original.reference,
        actor_id=actor_id,
        reverses_id=original.id,
    )
    handler = _reversal_handlers.get(original.kind)
    if handler is not None and not posting.replayed:
        handler(session, original)
    return posting
