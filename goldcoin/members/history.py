"""A member's history as a balance-over-time series and as CSV."""
import csv
import io

from sqlalchemy import select

from goldcoin.ledger import balance_of, history, wallet_id
from goldcoin.ledger.models import Transfer
from goldcoin.ledger.service import signed_amount

CHART_POINTS = 200


def balance_series(session, user_id, limit=CHART_POINTS):
    """[{t, balance}] oldest first: the balance after each of the last `limit`
    transfers, walked back from the current balance (no full scan)."""
    account = wallet_id(session, user_id)
    balance = int(balance_of(session, account))
    rows = history(session, account, limit=limit)
    points = []
    for transfer, signed in rows:  # newest first
        points.append({"t": transfer.created_at.isoformat(), "balance": balance})
        balance -= int(signed)
    if rows:
        points.append({"t": rows[-1][0].created_at.isoformat(), "balance": balance, "start": True})
    points.reverse()
    return points


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text):
    """Spreadsheets run cells that start like a formula: defuse them."""
    text = text or ""
    return "'" + text if text.startswith(_FORMULA_START) else text


def history_csv(session, user_id):
    """All of the member's transfers, oldest first, with the balance after each."""
    account = wallet_id(session, user_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "created_at", "kind", "memo", "amount", "balance"])
    balance = 0
    stmt = (
        select(Transfer, signed_amount(account).label("signed"))
        .where((Transfer.from_account_id == account) | (Transfer.to_account_id == account))
        .order_by(Transfer.id)
    )
    for transfer, signed in session.execute(stmt):
        balance += int(signed)
        writer.writerow([transfer.id, transfer.created_at.isoformat(), transfer.kind, _cell(transfer.memo),
                         int(signed), balance])
    return out.getvalue()
