"""Economy figures for the admin dashboard, computed from the ledger.

Plain SQLAlchemy (a session in, numbers out), so tests and CLI can call them.
Minted, sold, sunk, escrowed and circulating are defined by the ledger's
accounts in .supply. Earnings per member and rule (top earners, alerts) are
transfers of kind `earn.*` as they reach or leave member wallets.
Days are UTC calendar days.
"""
from collections import defaultdict
from datetime import datetime, time, timedelta, timezone
from decimal import Decimal

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import aliased

from goldcoin.auth.models import User
from goldcoin.core.time import utc
from goldcoin.earning.settings import get_decimal, get_int
from goldcoin.ledger import reconcile
from goldcoin.ledger.models import WALLET, Account, Transfer, utcnow

from . import supply

EARN_PREFIX = "earn."


def _day(session, column):
    """SQL expression: the UTC calendar day of a timestamp, as 'YYYY-MM-DD'."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD")
    if dialect == "sqlite":
        return func.strftime("%Y-%m-%d", column)  # stored as UTC text
    return cast(func.date(column), String)


def _start_of(day):
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def today_utc():
    return utcnow().date()


def daily_flows(session, days=30, today=None):
    """{"days": [...], "minted": [...], "sold": [...], "sunk": [...], "escrowed": [...]}
    for the last `days` UTC days ending `today` (every day present, zeros
    included); each figure as defined in .supply."""
    today = today or today_utc()
    first = today - timedelta(days=days - 1)
    columns = supply.figure_columns(session)
    day = _day(session, Transfer.created_at).label("day")
    rows = session.execute(
        select(day, *columns.values())
        .select_from(Transfer)
        .where(Transfer.created_at >= _start_of(first))
        .where(Transfer.created_at < _start_of(today + timedelta(days=1)))
        .group_by(day)
    ).all()
    by_day = {r[0]: dict(zip(columns, (int(v) for v in r[1:]), strict=True)) for r in rows}
    labels = [(first + timedelta(days=i)).isoformat() for i in range(days)]
    out = {"days": labels}
    for name in columns:
        out[name] = [by_day.get(d, {}).get(name, 0) for d in labels]
    return out


circulating_supply = supply.circulating_supply


def _earn_movements(since=None, until=None):
    """Subquery (account_id, kind, amount, created_at): earn.* flows seen from member wallets."""
    src, dst = aliased(Account), aliased(Account)
    common = [Transfer.kind.startswith(EARN_PREFIX)]
    if since is not None:
        common.append(Transfer.created_at >= since)
    if until is not None:
        common.append(Transfer.created_at < until)
    credits = (
        select(Transfer.to_account_id.label("account_id"), Transfer.kind, Transfer.amount.label("amount"), Transfer.created_at)
        .join(dst, dst.id == Transfer.to_account_id)
        .where(dst.kind == WALLET, *common)
    )
    debits = (
        select(
            Transfer.from_account_id.label("account_id"), Transfer.kind, (-Transfer.amount).label("amount"), Transfer.created_at
        )
        .join(src, src.id == Transfer.from_account_id)
        .where(src.kind == WALLET, *common)
    )
    return credits.union_all(debits).subquery()


def top_earners(session, days=30, limit=10, today=None):
    """Members who earned the most (earn.*, net) in the last `days` days."""
    today = today or today_utc()
    moves = _earn_movements(since=_start_of(today - timedelta(days=days - 1)))
    total = func.sum(moves.c.amount).label("earned")
    rows = session.execute(
        select(Account.user_id, User.username, total)
        .select_from(moves)
        .join(Account, Account.id == moves.c.account_id)
        .join(User, User.id == Account.user_id)
        .group_by(Account.user_id, User.username)
        .having(func.sum(moves.c.amount) > 0)
        .order_by(total.desc(), Account.user_id)
        .limit(limit)
    ).all()
    return [{"user_id": r[0], "username": r[1], "earned": int(r[2])} for r in rows]


def earning_alerts(session, today=None, ratio=None, min_coins=None, baseline_days=None):
    """Possible farming: a member's, or a rule's (kind's), net earnings today
    against a baseline: its daily average over the `baseline_days` before.

    An alert needs today >= `min_coins` and today > `ratio` x the baseline.
    Without a full baseline period - a member younger than it, or every
    member and rule while the install itself is (its first transfer) - an
    average of nothing says nothing, so the bar is `ratio` x `min_coins`
    instead: a fresh install does not flag every member who earned a little.
    Defaults: the farming_* settings."""
    today = today or today_utc()
    ratio = Decimal(str(ratio)) if ratio is not None else get_decimal(session, "farming_ratio")
    min_coins = min_coins if min_coins is not None else get_int(session, "farming_min_coins")
    baseline_days = baseline_days or get_int(session, "farming_baseline_days")
    first = today - timedelta(days=baseline_days)
    moves = _earn_movements(since=_start_of(first), until=_start_of(today + timedelta(days=1)))
    day = _day(session, moves.c.created_at).label("day")
    rows = session.execute(
        select(Account.user_id, User.username, User.created_at, moves.c.kind, day, func.sum(moves.c.amount))
        .select_from(moves)
        .join(Account, Account.id == moves.c.account_id)
        .join(User, User.id == Account.user_id)
        .group_by(Account.user_id, User.username, User.created_at, moves.c.kind, day)
    ).all()
    baseline_start = _start_of(first)
    first_transfer = session.scalar(select(func.min(Transfer.created_at)))
    install_has_baseline = first_transfer is not None and utc(first_transfer) <= baseline_start
    today_key = today.isoformat()
    per_member = defaultdict(lambda: [0, 0, False])  # (user_id, username) -> [today, trailing, has baseline]
    per_kind = defaultdict(lambda: [0, 0, install_has_baseline])
    for user_id, username, created_at, kind, d, amount in rows:
        slot = 0 if d == today_key else 1
        member = per_member[(user_id, username)]
        member[slot] += int(amount)
        member[2] = install_has_baseline and utc(created_at) <= baseline_start
        per_kind[kind][slot] += int(amount)

    def judge(today_amount, trailing, has_baseline):
        average = Decimal(trailing) / baseline_days
        bar = ratio * average if has_baseline else ratio * min_coins
        return today_amount >= min_coins and today_amount > bar, round(float(average), 2), has_baseline

    alerts = []
    for (user_id, username), (now, trailing, based) in sorted(per_member.items()):
        hit, average, based = judge(now, trailing, based)
        if hit:
            alerts.append({"scope": "member", "user_id": user_id, "username": username, "today": now,
                           "average": average if based else None, "baseline_days": baseline_days})
    for kind, (now, trailing, based) in sorted(per_kind.items()):
        hit, average, based = judge(now, trailing, based)
        if hit:
            alerts.append({"scope": "rule", "kind": kind, "today": now, "average": average if based else None,
                           "baseline_days": baseline_days})
    return alerts


def pending_orders(session, limit=5):
    """Recharge orders still waiting for their payment: the count and the oldest."""
    from goldcoin.payments.models import PENDING, RechargeOrder

    pending = RechargeOrder.status == PENDING
    count = session.scalar(select(func.count(RechargeOrder.id)).where(pending)) or 0
    oldest = session.scalars(select(RechargeOrder).where(pending).order_by(RechargeOrder.id).limit(limit)).all()
    return {
        "count": int(count),
        "orders": [
            {"id": o.id, "user_id": o.user_id, "coins": o.coins, "created_at": o.created_at.isoformat()}
            for o in oldest
        ],
    }


def reconcile_status(session):
    report = reconcile(session)
    return {"ok": report.ok, "lines": list(report.lines())}


def dashboard_data(session, days=30, today=None, ratio=None, min_coins=None):
    today = today or today_utc()
    data = daily_flows(session, days=days, today=today)
    data.update(
        circulating=supply.circulating_supply(session),
        totals=supply.totals(session),
        top_earners=top_earners(session, days=days, today=today),
        alerts=earning_alerts(session, today=today, ratio=ratio, min_coins=min_coins),
        pending_orders=pending_orders(session),
        reconcile=reconcile_status(session),
        today=today.isoformat(),
    )
    return data
