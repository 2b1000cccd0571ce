"""Who earned the most, per period. SQL is the truth; Redis is an index of it.

A board ranks member wallets by coins EARNED from activity (transfers of kind
`earn.*`; a clawback is a reversal of the same kind flowing back, so it
counts negatively) within a period: `all`, the calendar month (UTC,
`YYYYMM`) or the ISO week (UTC, `YYYY-Www`) of the transfer's `created_at`.

Ties go to whoever reached the score first: among equal scores, the member
whose LAST earn transfer in the period (the one that brought them to their
current score) has the smaller transfer id ranks higher. Transfer ids are
used rather than timestamps because they are exact, unique and the same in
SQL and Redis; then user id, so that the order is total.
"""
import logging
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from goldcoin.auth.models import User
from goldcoin.core.time import utc
from goldcoin.ledger.balances import EARNED_KIND_PREFIX
from goldcoin.ledger.models import WALLET, Account, Transfer

from . import store

log = logging.getLogger(__name__)

PERIODS = ("all", "month", "week")


# -- periods ---------------------------------------------------------------


def board_key(period, moment=None):
    """`all`, `month:YYYYMM` or `week:YYYY-Www` for the period holding `moment` (default now)."""
    if period == "all":
        return "all"
    moment = utc(moment)
    if period == "month":
        return f"month:{moment.year:04d}{moment.month:02d}"
    if period == "week":
        year, week, _ = moment.isocalendar()
        return f"week:{year:04d}-W{week:02d}"
    raise ValueError(f"unknown period {period!r}")


def board_keys_for(moment):
    """The three boards a transfer made at `moment` counts on."""
    return [board_key(p, moment) for p in PERIODS]


def bounds(key):
    """[start, end) in UTC of a board key; (None, None) for `all`."""
    if key == "all":
        return None, None
    kind, _, label = key.partition(":")
    if kind == "month":
        year, month = int(label[:4]), int(label[4:])
        start = datetime(year, month, 1, tzinfo=timezone.utc)
        end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=timezone.utc)
        return start, end
    if kind == "week":
        year, week = int(label[:4]), int(label[6:])
        start = datetime.fromisocalendar(year, week, 1).replace(tzinfo=timezone.utc)
        return start, start + timedelta(days=7)
    raise ValueError(f"unknown board {key!r}")


def period_of(key):
    return key.partition(":")[0]


# -- SQL: the truth ---------------------------------------------------------


def _board_query(session, key):
    """Per member wallet: (user_id, coins, last_transfer_id) for the board."""
    start, end = bounds(key)
    earn = Transfer.kind.startswith(EARNED_KIND_PREFIX)
    if start is not None:
        earn = earn & (Transfer.created_at >= start) & (Transfer.created_at < end)
    credits = select(
        Transfer.to_account_id.label("account_id"), Transfer.amount.label("amount"), Transfer.id.label("tid")
    ).where(earn)
    debits = select(
        Transfer.from_account_id.label("account_id"), (-Transfer.amount).label("amount"), Transfer.id.label("tid")
    ).where(earn)
    moves = credits.union_all(debits).subquery()
    per_account = (
        select(
            moves.c.account_id,
            func.sum(moves.c.amount).label("coins"),
            func.max(moves.c.tid).label("last_id"),
        )
        .group_by(moves.c.account_id)
        .subquery()
    )
    return (
        select(Account.user_id, per_account.c.coins, per_account.c.last_id)
        .join(per_account, per_account.c.account_id == Account.id)
        .where(Account.kind == WALLET)
    ), per_account


def _ranked_sql(session, key, limit=None):
    stmt, per_account = _board_query(session, key)
    stmt = stmt.where(per_account.c.coins > 0).order_by(
        per_account.c.coins.desc(), per_account.c.last_id, Account.user_id
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return [(int(u), int(c), int(t)) for u, c, t in session.execute(stmt).all()]


def board_rows_sql(session, key):
    """Every member with earn transfers on the board: [(user_id, coins, last_id)], coins may be <= 0."""
    stmt, _ = _board_query(session, key)
    return [(int(u), int(c), int(t)) for u, c, t in session.execute(stmt).all()]


def ranking_sql(session, key, limit=None):
    """[(rank, user_id, coins)] computed from the ledger alone."""
    return [(i, u, c) for i, (u, c, _) in enumerate(_ranked_sql(session, key, limit), 1)]


def rank_of_sql(session, key, user_id):
    stmt, per_account = _board_query(session, key)
    mine = session.execute(stmt.where(Account.user_id == user_id)).first()
    if mine is None or mine[1] <= 0:
        return None
    _, coins, last_id = mine
    sub = stmt.subquery()
    ahead = session.scalar(
        select(func.count())
        .select_from(sub)
        .where(
            (sub.c.coins > coins)
            | ((sub.c.coins == coins) & (sub.c.last_id < last_id))
            | ((sub.c.coins == coins) & (sub.c.last_id == last_id) & (sub.c.user_id < user_id))
        )
    )
    return int(ahead) + 1


# -- reads: Redis when it holds a complete index, else SQL --------------------


def _usernames(session, user_ids):
    if not user_ids:
        return {}
    return dict(session.execute(select(User.id, User.username).where(User.id.in_(user_ids))).all())


def top_earners(session, limit=10, period="all", moment=None):
    """[{rank, user_id, username, coins}] of the board of `period` now."""
    key = board_key(period, moment)
    ranked = store.top(key, limit)
    if ranked is None:
        ranked = ranking_sql(session, key, limit)
    names = _usernames(session, [u for _, u, _ in ranked])
    return [
        {"rank": r, "user_id": u, "username": names.get(u, f"member{u}"), "coins": c} for r, u, c in ranked
    ]


def rank_of(session, user_id, period="all", moment=None):
    """1-based rank on the board of `period`, or None before the member earned anything there."""
    key = board_key(period, moment)
    found, rank = store.rank(key, user_id)
    if found:
        return rank
    return rank_of_sql(session, key, user_id)


# -- rebuild ----------------------------------------------------------------


def all_board_keys(session, now=None):
    """`all` plus every month and week from the first earn transfer to now."""
    now = utc(now)
    first = session.scalar(select(func.min(Transfer.created_at)).where(Transfer.kind.startswith(EARNED_KIND_PREFIX)))
    keys = ["all", board_key("month", now), board_key("week", now)]
    if first is None:
        return keys
    moment = first
    while moment <= now + timedelta(days=7):
        for key in (board_key("month", moment), board_key("week", moment)):
            if key not in keys:
                keys.append(key)
        moment += timedelta(days=7)
    return keys


def rebuild(session, redis_client, prefix, now=None):
    """Rebuild every board in Redis from the ledger; returns {board: members}."""
    boards = {key: board_rows_sql(session, key) for key in all_board_keys(session, now)}
    store.write_boards(redis_client, prefix, boards)
    return {key: sum(1 for _, c, _ in rows if c > 0) for key, rows in boards.items()}
