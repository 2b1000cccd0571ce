"""Reading balances and histories. A member wallet's balance is stored (the
ledger's UPDATEs keep it); a system account's is derived from its transfers
(docs/ledger.md), so it never needs a row that every transfer would update."""
from sqlalchemy import case, func, literal, select

from .models import WALLET, Account, Transfer


def derived_balance(account_id):
    """SQL expression: credits minus debits of `account_id` over all its transfers."""
    credits = select(func.coalesce(func.sum(Transfer.amount), 0)).where(Transfer.to_account_id == account_id)
    debits = select(func.coalesce(func.sum(Transfer.amount), 0)).where(Transfer.from_account_id == account_id)
    return credits.scalar_subquery() - debits.scalar_subquery()


def balance_of(session, account_id):
    """A wallet's stored balance; a system account's balance derived from its transfers."""
    row = session.execute(select(Account.kind, Account.balance).where(Account.id == account_id)).first()
    if row is None:
        return None
    if row.kind == WALLET:
        return row.balance
    return int(session.scalar(select(derived_balance(account_id))))


def signed_amount(account_id):
    """SQL expression: a transfer's amount as seen from `account_id` (+in, -out)."""
    return case(
        (Transfer.to_account_id == account_id, Transfer.amount),
        else_=-Transfer.amount,
    )


def history(session, account_id, *, limit=50, before=None):
    """Transfers touching the account, newest first, with signed amounts."""
    stmt = (
        select(Transfer, signed_amount(account_id).label("signed"))
        .where((Transfer.from_account_id == account_id) | (Transfer.to_account_id == account_id))
        .order_by(Transfer.id.desc())
        .limit(limit)
    )
    if before is not None:
        stmt = stmt.where(Transfer.id < before)
    return session.execute(stmt).all()


EARNED_KIND_PREFIX = "earn."


def earned_total(session, account_id):
    """Coins earned from activity: earn.* credits minus earn.* debits (clawbacks)."""
    value = session.scalar(
        select(func.coalesce(func.sum(signed_amount(account_id)), literal(0))).where(
            ((Transfer.from_account_id == account_id) | (Transfer.to_account_id == account_id))
            & Transfer.kind.startswith(EARNED_KIND_PREFIX)
        )
    )
    return int(value or 0)
