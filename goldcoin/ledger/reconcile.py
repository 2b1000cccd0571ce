"""The three invariants of the ledger, checked from the records of truth.

A member wallet's balance is stored (and updated by every transfer); a system
account's is derived from its transfers (docs/ledger.md). So "every balance
equals its credits minus its debits" compares each wallet's stored balance
with its transfers, and "balances sum to zero" adds the wallets' stored
balances to the system accounts' derived ones: it is zero exactly when the
coins the wallets hold are the coins the system accounts gave out net.
"""
from dataclasses import dataclass, field

from sqlalchemy import case, func, select

from .models import SYSTEM, WALLET, Account, Transfer


@dataclass
class Report:
    total_balance: int = 0
    accounts: int = 0
    transfers: int = 0
    mismatched: list = field(default_factory=list)  # (account_id, balance, from_transfers)
    negative_wallets: list = field(default_factory=list)  # (account_id, user_id, balance)

    @property
    def ok(self):
        return self.total_balance == 0 and not self.mismatched and not self.negative_wallets

    def lines(self):
        yield f"accounts: {self.accounts}, transfers: {self.transfers}"
        yield (
            "OK   balances sum to zero"
            if self.total_balance == 0
            else f"FAIL balances sum to {self.total_balance}, not zero"
        )
        if self.mismatched:
            yield f"FAIL {len(self.mismatched)} account(s) whose balance differs from its transfers:"
            for account_id, balance, computed in self.mismatched[:50]:
                yield f"     account {account_id}: balance {balance}, transfers say {computed}"
        else:
            yield "OK   every balance equals its credits minus its debits"
        if self.negative_wallets:
            yield f"FAIL {len(self.negative_wallets)} negative member wallet(s):"
            for account_id, user_id, balance in self.negative_wallets[:50]:
                yield f"     account {account_id} (member {user_id}): {balance}"
        else:
            yield "OK   no member wallet is negative"


def reconcile(session):
    report = Report()
    report.accounts = session.scalar(select(func.count(Account.id))) or 0
    report.transfers = session.scalar(select(func.count(Transfer.id))) or 0

    credits = select(Transfer.to_account_id.label("account_id"), Transfer.amount.label("amount"))
    debits = select(Transfer.from_account_id.label("account_id"), (-Transfer.amount).label("amount"))
    movements = credits.union_all(debits).subquery()
    computed = (
        select(movements.c.account_id, func.sum(movements.c.amount).label("net"))
        .group_by(movements.c.account_id)
        .subquery()
    )
    net = func.coalesce(computed.c.net, 0)
    # A system account's balance IS its net of transfers; a wallet's is the stored figure.
    balance = case((Account.kind == SYSTEM, net), else_=Account.balance)
    report.total_balance = int(
        session.scalar(
            select(func.coalesce(func.sum(balance), 0)).select_from(Account).outerjoin(
                computed, computed.c.account_id == Account.id
            )
        )
    )
    rows = session.execute(
        select(Account.id, Account.balance, net)
        .outerjoin(computed, computed.c.account_id == Account.id)
        .where(Account.kind == WALLET, Account.balance != net)
        .order_by(Account.id)
    ).all()
    report.mismatched = [(r[0], int(r[1]), int(r[2])) for r in rows]
    report.negative_wallets = [
        tuple(r)
        for r in session.execute(
            select(Account.id, Account.user_id, Account.balance)
            .where(Account.kind == WALLET, Account.balance < 0)
            .order_by(Account.id)
        ).all()
    ]
    return report
