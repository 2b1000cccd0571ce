"""A member's history: the lines a member reads, a balance-over-time series
and CSV."""
import csv
import io
import re
from typing import NamedTuple

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from goldcoin.ledger import balance_of, history, wallet_id
from goldcoin.ledger.balances import signed_amount
from goldcoin.ledger.memos import memo_text
from goldcoin.ledger.models import Transfer

CHART_POINTS = 200

# What a member reads beside each line instead of the transfer's kind code.
_KIND_LABELS = {
    "recharge": _l("Top-up"),
    "redeem": _l("Store"),
    "adjustment": _l("By an admin"),
    "bounty.escrow": _l("Bounty"),
    "purchase": _l("EA"),
}
# Memos written before they named members instead of numbering them.
_OLD_REFERRAL = re.compile(r"^Referral milestone: member #\d+ \((\w+)\)$")
_OLD_AFFILIATE = re.compile(r"^Affiliate share of order #\d+ by member #\d+$")
_MILESTONES = {"first_contribution": _l("first contribution"), "first_topup": _l("first top-up")}


class Line(NamedTuple):
    """One line of a member's history: what happened, in words, and the coins."""

    id: int  # the newest transfer's id (paging, tests)
    created_at: object
    text: str
    label: str
    amount: int


def kind_label(kind, signed):
    if kind.startswith("earn."):
        return _("Earned") if signed > 0 else _("Taken back")
    if kind == "purchase":
        return _("EA sale") if signed > 0 else _("EA purchase")
    return str(_KIND_LABELS.get(kind, ""))


def line_text(transfer, signed):
    """The member-facing words of a transfer, seen from the side of `signed`."""
    memo = transfer.memo or ""
    if transfer.kind == "purchase":
        # The memo names the item; older rows said "Bought <item>".
        name = memo.removeprefix("Bought ").strip() or _("an EA")
        return _("Sale: %(name)s", name=name) if signed > 0 else _("Bought %(name)s", name=name)
    old = _OLD_REFERRAL.match(memo)
    if old:
        return _("Referral reward: a member you invited made their %(milestone)s",
                 milestone=_MILESTONES.get(old.group(1), _l("first step")))
    if _OLD_AFFILIATE.match(memo):
        return _("Affiliate share: a member you invited topped up")
    return memo_text(memo) or kind_label(transfer.kind, signed) or _("Coins moved")


def member_lines(rows):
    """History rows [(transfer, signed)], newest first -> [Line]. The transfers
    of one purchase (the author's part and the site's) are one line, as the
    member made one payment."""
    lines = []
    for transfer, signed in rows:
        signed = int(signed)
        previous = lines[-1] if lines else None
        if (previous is not None and transfer.kind == "purchase" and previous[1].kind == "purchase"
                and transfer.reference == previous[1].reference and (signed > 0) == (previous[2] > 0)
                and transfer.actor_id == previous[1].actor_id):
            lines[-1] = (previous[0], previous[1], previous[2] + signed)
            continue
        lines.append((transfer, transfer, signed))
    return [Line(newest.id, newest.created_at, line_text(newest, total), kind_label(newest.kind, total), total)
            for newest, _, total in lines]


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
