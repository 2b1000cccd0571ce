"""Ledger accounts: member wallets and system accounts, found or created, and
the row locks other domains take on wallets.

Account-id order is the ledger's one lock order for wallets: `transfer`
updates in it, and `lock_accounts` is how any other domain that must hold
wallets across several statements takes them in it (docs/ledger.md, "Lock
order").
"""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .errors import UnknownAccount
from .models import SYSTEM, SYSTEM_ACCOUNTS, WALLET, Account


def open_wallet(session, user_id):
    """Create the member's wallet (once) and return it."""
    wallet = session.scalar(select(Account).where(Account.user_id == user_id))
    if wallet is None:
        wallet = Account(kind=WALLET, user_id=user_id, balance=0)
        session.add(wallet)
        session.flush()
    return wallet


def wallet_id(session, user_id):
    account_id = session.scalar(select(Account.id).where(Account.user_id == user_id))
    if account_id is None:
        raise UnknownAccount(f"member {user_id} has no wallet")
    return account_id


def system_account_id(session, code):
    """Id of a system account, created on first use."""
    if code not in SYSTEM_ACCOUNTS:
        raise UnknownAccount(f"unknown system account {code!r}")
    account_id = session.scalar(select(Account.id).where(Account.code == code))
    if account_id is not None:
        return account_id
    try:
        with session.begin_nested():
            session.add(Account(kind=SYSTEM, code=code, balance=0))
    except IntegrityError:
        pass  # created concurrently by another transaction: read it below
    return session.scalar(select(Account.id).where(Account.code == code))


def wallet_and_system_account(session, user_id, code):
    """(the member's wallet id, the system account's id) in one statement; the
    system account is created on first use."""
    rows = session.execute(
        select(Account.id, Account.code).where((Account.user_id == user_id) | (Account.code == code))
    ).all()
    wallet = next((account_id for account_id, row_code in rows if row_code is None), None)
    system = next((account_id for account_id, row_code in rows if row_code == code), None)
    if wallet is None:
        raise UnknownAccount(f"member {user_id} has no wallet")
    return wallet, system if system is not None else system_account_id(session, code)


def ensure_system_accounts(session):
    for code in SYSTEM_ACCOUNTS:
        system_account_id(session, code)


def lock_accounts(session, account_ids):
    """Row-lock these member wallets until the transaction ends, in account-id order.

    System accounts among `account_ids` are not locked: nothing updates their
    rows (their balance is derived), so there is nothing to wait for, and
    locking `mint` or `sink` would serialise every award or redemption.

    For a caller that posts several transfers, or checks something (a
    per-member limit, a daily cap) before posting, and needs nobody else to
    move those accounts in between. Taking every lock up front, in the order
    `transfer` itself updates accounts, means it never holds one account while
    waiting for another that a concurrent transfer holds (no deadlock), and a
    read made after the lock cannot be invalidated before commit. SQLite has
    no row locks (FOR UPDATE is not rendered); its BEGIN IMMEDIATE already
    serialises writers.
    """
    ids = sorted(set(account_ids))
    if ids:
        # Lock site: member wallets only, ascending id (docs/ledger.md, "Lock order").
        session.execute(
            select(Account.id)
            .where(Account.id.in_(ids), Account.kind == WALLET)
            .order_by(Account.id)
            .with_for_update()
        ).all()


def lock_wallet(session, user_id):
    """Find the member's wallet and row-lock it until the transaction ends, in
    one statement; returns its id. For a domain that counts something of the
    member's (a per-member limit) before posting: the lock makes the count
    hold until commit. Raises UnknownAccount for a member without a wallet."""
    # Lock site: one member wallet (docs/ledger.md, "Lock order").
    account_id = session.scalar(select(Account.id).where(Account.user_id == user_id).with_for_update())
    if account_id is None:
        raise UnknownAccount(f"member {user_id} has no wallet")
    return account_id
