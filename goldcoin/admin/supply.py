"""The money supply, defined by the ledger's accounts (DESIGN.md: every coin
moves from one account to another, so the system accounts' net flows add up
to what the member wallets hold). Each figure is the net of transfers into or
out of system accounts, read from `transfers`, never from a system account's
balance row:

- minted:    net coins out of `mint` (earnings) and `adjustments` (an admin's
             grants less what they took back): coins the app created;
- sold:      net coins out of `sales` (recharges, less refunds);
- sunk:      net coins into `sink` (store, paid content), less refunds;
- escrowed:  net coins into `escrow`: members' own coins held for open bounties
             (an escrow payout moves members' coins, it mints none);
- circulating: what member wallets hold.

So `minted + sold - sunk - escrowed = circulating`, over all time (the
identity the dashboard shows) and for the change over any window.
Member-to-member transfers (a tip, an EA sale) move circulating coins and
change none of the figures.
"""
from sqlalchemy import and_, case, func, literal, select

from goldcoin.ledger import ADJUSTMENTS, ESCROW, MINT, SALES, SINK, system_account_id
from goldcoin.ledger.models import WALLET, Account, Transfer

# figure -> (system accounts, +1 when it counts coins leaving them, -1 entering)
FIGURES = {
    "minted": ((MINT, ADJUSTMENTS), 1),
    "sold": ((SALES,), 1),
    "sunk": ((SINK,), -1),
    "escrowed": ((ESCROW,), -1),
}


def figure_columns(session):
    """{figure: SQL sum over Transfer rows} for a select over `transfers`."""
    columns = {}
    for name, (codes, sign) in FIGURES.items():
        ids = [system_account_id(session, code) for code in codes]
        out_of, into = Transfer.from_account_id.in_(ids), Transfer.to_account_id.in_(ids)
        # A transfer between two accounts of the same figure moves nothing in or out of it.
        delta = case(
            (and_(out_of, ~into), Transfer.amount * sign),
            (and_(into, ~out_of), -Transfer.amount * sign),
            else_=literal(0),
        )
        columns[name] = func.coalesce(func.sum(delta), 0).label(name)
    return columns


def totals(session):
    """All-time figures and whether they tie to the wallets."""
    columns = figure_columns(session)
    row = session.execute(select(*columns.values()).select_from(Transfer)).one()
    out = {name: int(value) for name, value in zip(columns, row, strict=True)}
    out["circulating"] = circulating_supply(session)
    out["ties"] = out["minted"] + out["sold"] - out["sunk"] - out["escrowed"] == out["circulating"]
    return out


def circulating_supply(session):
    return int(session.scalar(select(func.coalesce(func.sum(Account.balance), 0)).where(Account.kind == WALLET)))
