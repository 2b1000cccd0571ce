"""Row locks on ledger accounts, always taken in account-id order.

The ledger updates the two accounts of a transfer in id order. A store
operation that posts several transfers (or checks a limit before posting)
locks every account it will touch up front, in the same order, so that it
can never hold one account while waiting for another that a concurrent
transfer holds (no deadlock), and so that a read made after the lock (how
many times did this member redeem?) cannot be invalidated before commit.
SQLite has no row locks; its BEGIN IMMEDIATE already serialises writers.
"""
from sqlalchemy import select

from goldcoin.ledger.models import Account


def lock_accounts(session, account_ids):
    ids = sorted(set(account_ids))
    session.execute(select(Account.id).where(Account.id.in_(ids)).order_by(Account.id).with_for_update()).all()
