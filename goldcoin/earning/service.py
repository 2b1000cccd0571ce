"""Activity -> coins. award() is the one function that decides and pays.

    rule (enabled? amount) -> multiplier (global campaign x personal booster,
    capped at max_multiplier) -> daily caps (boosted coins and count per member,
    rule and UTC day) -> ledger transfer from `mint`, kind `earn.<rule>`,
    key `earn:<rule>:<object_key>` (plus the member when the rule pays once
    per member and object).

Caps hold under concurrency because they are enforced by one conditional
UPDATE on the member's counter row for the day: the second of two concurrent
awards to the same member waits for the first's row lock and then sees its
coins. Awards to different members share no row (not even `mint`'s, whose
balance is derived from transfers), so they run side by side. An award
that turns out to be a replay (same key) gives its share of the cap back.
"""
import math
from datetime import timedelta
from decimal import Decimal
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import case, literal, null, select, union_all, update
from sqlalchemy.exc import IntegrityError

from goldcoin.core.sql import insert_once
from goldcoin.core.time import utc
from goldcoin.ledger import MINT, IdempotencyConflict, transfer, wallet_and_system_account
from goldcoin.ledger.models import Transfer

from .errors import UnknownRule
from .models import BoosterCampaign, EarningCounter, EarningRule, EarningSetting, PersonalBooster
from .settings import EVENT_AMOUNT_CEILING, MULTIPLIER_CEILING, SETTINGS

# The most one award pays: the largest event times the largest multiplier
# (1e9), within the 32-bit columns of the daily counters.
MAX_AWARD = EVENT_AMOUNT_CEILING * MULTIPLIER_CEILING
COUNTER_MAX = 2**31 - 1

# Rules paid for contributions; a referee's first one is their referrer's milestone.
CONTRIBUTION_RULES = ("post_quality", "ea_verified", "solution", "bounty", "challenge")

DEFAULT_RULES = [
    dict(code="post_quality", name=_l("Quality post"), amount=10, threshold=5, once_per_object=True,
         daily_cap_coins=100, description=_l("A post reaches the upvote threshold.")),
    dict(code="ea_verified", name=_l("Verified EA"), amount=50, once_per_object=True,
         description=_l("A moderator verifies an uploaded EA with performance data.")),
    dict(code="solution", name=_l("Accepted solution"), amount=20, once_per_object=True,
         description=_l("The asker accepts an answer.")),
    dict(code="bounty", name=_l("Bounty"), amount=0, once_per_object=True,
         description=_l("Amount = the bounty's size.")),
    dict(code="challenge", name=_l("Challenge prize"), amount=0, once_per_object=False,
         description=_l("Amount = the prize set by an admin.")),
    dict(code="referral", name=_l("Referral milestone"), amount=25, once_per_object=True,
         description=_l("A referred member's first paid contribution or first top-up.")),
    dict(code="affiliate", name=_l("Affiliate share"), amount=0, once_per_object=True,
         share_percent=Decimal("5"), window_days=90,
         description=_l("A share of the coins a referred member buys within the window.")),
]


class AwardResult(NamedTuple):
    paid: int  # coins credited by this call (0 when nothing was paid)
    reason: str  # paid | partially_capped | capped | disabled | duplicate | zero
    transfer: object  # the Transfer (also the earlier one for a duplicate), or None


def ensure_default_rules(session):
    """Insert the brief's default rules that are missing; never overwrites an admin's edits."""
    existing = set(session.scalars(select(EarningRule.code)))
    for spec in DEFAULT_RULES:
        if spec["code"] not in existing:
            try:
                with session.begin_nested():
                    session.add(EarningRule(**{key: str(value) if isinstance(value, LazyString) else value
                                               for key, value in spec.items()}))
            except IntegrityError:
                pass  # seeded concurrently


def get_rule(session, code):
    rule = session.scalar(select(EarningRule).where(EarningRule.code == code))
    if rule is None and any(spec["code"] == code for spec in DEFAULT_RULES):
        ensure_default_rules(session)
        rule = session.scalar(select(EarningRule).where(EarningRule.code == code))
    if rule is None:
        raise UnknownRule(f"no earning rule {code!r}")
    return rule


def active_campaigns(session, now=None):
    now = utc(now)
    rows = session.scalars(
        select(BoosterCampaign).where(BoosterCampaign.active.is_(True)).order_by(BoosterCampaign.ends_at)
    ).all()
    return [c for c in rows if c.starts_at <= now < c.ends_at]


# Rewards for what another member did (signing up, topping up): a booster
# would multiply a sock account's top-up into the referrer's wallet, so
# neither campaigns nor personal boosters apply to them.
UNBOOSTED_RULES = ("referral", "affiliate")


def multiplier_for(session, user_id, rule_code, now=None):
    """The multiplier an award of `rule_code` to this member gets at `now`
    (1 for UNBOOSTED_RULES).

    Several campaigns do not stack (the largest applies), nor do several
    personal boosters; global x personal is capped at `max_multiplier`.
    One statement reads the running campaigns, the member's running boosters
    and the cap (every award asks, so it is on the hot path).
    """
    if rule_code in UNBOOSTED_RULES:
        return Decimal(1)
    now = utc(now)
    c, p = BoosterCampaign, PersonalBooster
    rows = session.execute(
        union_all(
            select(literal("campaign"), c.multiplier, c.rules, null())
            .where(c.active.is_(True), c.starts_at <= now, c.ends_at > now),
            select(literal("personal"), p.multiplier, null(), null())
            .where(p.user_id == user_id, p.starts_at <= now, p.ends_at > now),
            select(literal("cap"), null(), null(), EarningSetting.value).where(EarningSetting.key == "max_multiplier"),
        )
    ).all()
    campaign = personal = Decimal(1)
    setting = SETTINGS["max_multiplier"]
    cap = setting.parse(setting.default)
    for source, multiplier, rules, value in rows:
        if source == "campaign" and BoosterCampaign(rules=rules).applies_to(rule_code):
            campaign = max(campaign, Decimal(multiplier))
        elif source == "personal":
            personal = max(personal, Decimal(multiplier))
        elif source == "cap":
            try:
                cap = setting.parse(value)
            except ValueError:
                pass  # written around the admin's check (get_value logs those): the default applies
    return min(campaign * personal, Decimal(cap))


def grant_personal_booster(session, user_id, multiplier, hours, key, now=None):
    """Give a member `multiplier` on their earnings for `hours` from now.

    Idempotent by `key` (e.g. "redeem:<redemption id>"): a retry returns the
    first grant. Returns the PersonalBooster.
    """
    multiplier = Decimal(str(multiplier))
    if multiplier <= 0 or hours <= 0:
        raise ValueError("a booster needs a positive multiplier and duration")
    existing = session.scalar(select(PersonalBooster).where(PersonalBooster.key == key))
    if existing is not None:
        return existing
    now = utc(now)
    try:
        with session.begin_nested():
            booster = PersonalBooster(
                user_id=user_id, multiplier=multiplier, starts_at=now, ends_at=now + timedelta(hours=hours), key=key
            )
            session.add(booster)
    except IntegrityError:
        return session.scalar(select(PersonalBooster).where(PersonalBooster.key == key))
    return booster


def end_personal_booster(session, key, now=None):
    """Stop the booster granted under `key` now (its cause was undone)."""
    now = utc(now)
    session.execute(
        update(PersonalBooster)
        .where(PersonalBooster.key == key, PersonalBooster.ends_at > now)
        .values(ends_at=now)
        .execution_options(synchronize_session=False)
    )


def award_key(rule, user_id, object_key):
    if rule.once_per_object:
        return f"earn:{rule.code}:{object_key}"
    return f"earn:{rule.code}:{object_key}:user:{user_id}"


def paid_award(session, rule_code, user_id, object_key):
    """The transfer that paid `user_id` under `rule_code` for `object_key`, or
    None. Both key forms are looked up: an admin may have toggled the rule's
    `once_per_object` since the award was paid."""
    keys = (f"earn:{rule_code}:{object_key}", f"earn:{rule_code}:{object_key}:user:{user_id}")
    return session.scalars(
        select(Transfer).where(Transfer.idempotency_key.in_(keys)).order_by(Transfer.id)
    ).first()


def _take_from_cap(session, rule, user_id, amount, day):
    """Count `amount` against today's caps in ONE conditional UPDATE of the
    member's counter row; returns the coins granted (amount, less when the coin
    cap is nearly reached, 0 if capped).

    The row usually exists (the member earned today already), so the UPDATE
    comes first; only when it matched nothing is the row created (ON CONFLICT
    DO NOTHING: a concurrent award may create it first) and the UPDATE tried
    once more (a capped award costs three statements; a usual one, one).
    """
    cap_coins, cap_count = rule.daily_cap_coins, rule.daily_cap_count
    c = EarningCounter
    if cap_coins is None:
        grant = amount
        # Uncapped, the day's total only informs: it saturates at what the
        # 32-bit column holds instead of failing the award.
        coins = case((c.coins > COUNTER_MAX - amount, COUNTER_MAX), else_=c.coins + amount)
    else:
        # Every SET expression reads the row as it was before this UPDATE.
        # (Compared as `amount <= cap - coins`: `coins + amount` may not fit 32 bits.)
        grant = case((amount <= cap_coins - c.coins, amount), else_=cap_coins - c.coins)
        coins = c.coins + grant
    # Lock site (docs/ledger.md, "Lock order" 2): the member's own counter row.
    stmt = update(c).where(c.user_id == user_id, c.rule_code == rule.code, c.day == day)
    if cap_coins is not None:
        stmt = stmt.where(c.coins < cap_coins)
    if cap_count is not None:
        stmt = stmt.where(c.count < cap_count)
    stmt = stmt.values(last_grant=grant, coins=coins, count=c.count + 1).returning(c.last_grant)
    options = {"synchronize_session": False}
    row = session.execute(stmt, execution_options=options).first()
    if row is None:
        session.execute(
            insert_once(session, EarningCounter)
            .values(user_id=user_id, rule_code=rule.code, day=day, coins=0, count=0, last_grant=0)
            .on_conflict_do_nothing()
        )
        # Again, whether this created the row or waited for a concurrent award
        # that did (READ COMMITTED: this statement sees its committed row).
        row = session.execute(stmt, execution_options=options).first()
    return 0 if row is None else int(row[0])


def _give_back_to_cap(session, rule, user_id, granted, day):
    c = EarningCounter
    session.execute(
        update(c)
        .where(c.user_id == user_id, c.rule_code == rule.code, c.day == day)
        .values(coins=c.coins - granted, count=c.count - 1),
        execution_options={"synchronize_session": False},
    )


def _existing(session, key):
    return session.scalar(select(Transfer).where(Transfer.idempotency_key == key))


def award(session, user_id, rule_code, *, object_key, memo, amount=None, reference=None, now=None, actor_id=None,
          rule=None):
    """Decide and pay one award; returns AwardResult(paid, reason, transfer).

    `object_key` names the cause ("post:42", "ea:7", "ext:evt-9"); the same
    cause never pays twice. `amount` overrides the rule's amount (bounty,
    challenge, affiliate). `now` (UTC) picks boosters and the cap's day.
    `rule` is the EarningRule of `rule_code` when the caller has read it already.
    """
    rule = rule if rule is not None and rule.code == rule_code else get_rule(session, rule_code)
    if not rule.enabled:
        return AwardResult(0, "disabled", None)
    key = award_key(rule, user_id, object_key)
    base = rule.amount if amount is None else amount
    if isinstance(base, bool) or not isinstance(base, int) or base < 0:
        raise ValueError(f"an award is a non-negative integer of coins, not {base!r}")
    now = utc(now)
    # Capped so that no award (whatever rule amounts and multipliers say) can
    # overflow what counts it; an event pays at most EVENT_AMOUNT_CEILING before boosting.
    boosted = min(math.floor(Decimal(base) * multiplier_for(session, user_id, rule.code, now)), MAX_AWARD)
    if boosted <= 0:
        first = _existing(session, key)
        return AwardResult(0, "duplicate", first) if first is not None else AwardResult(0, "zero", None)

    # One statement for both accounts (the hot path: every award asks).
    wallet, mint = wallet_and_system_account(session, user_id, MINT)
    # Locks (docs/ledger.md, "Lock order"): the member's counter row for the
    # day (the cap's conditional UPDATE), then the member's wallet (the
    # ledger's credit); both held to commit, both this member's own. No lock
    # on `mint`: the ledger never updates a system account's row, so awards
    # to different members never wait for each other. A cause paid before is
    # found by the transfer's own ON CONFLICT (then the cap is given back), so
    # the usual, new award reads nothing to find out it is new.
    # No savepoint (two statements on every award): the one thing to undo when
    # nothing is paid is this award's share of the cap, given back below under
    # the counter row lock this transaction already holds.
    day = now.date()
    granted = _take_from_cap(session, rule, user_id, boosted, day)
    if granted <= 0:
        first = _existing(session, key)
        if first is not None:
            return AwardResult(0, "duplicate", first)
        _notices().award_capped(session, user_id, rule.name, memo, rule=rule.code)  # "Answer accepted" paid 0: say why
        return AwardResult(0, "capped", None)
    try:
        posting = transfer(
            session,
            mint,
            wallet,
            granted,
            kind=f"earn.{rule.code}",
            key=key,
            memo=memo,
            reference=reference or object_key,
            actor_id=actor_id,
        )
    except IdempotencyConflict:
        # Paid concurrently with another amount (a booster started in between).
        _give_back_to_cap(session, rule, user_id, granted, day)
        return AwardResult(0, "duplicate", _existing(session, key))
    if posting.replayed:
        _give_back_to_cap(session, rule, user_id, granted, day)  # nothing was paid this time
        return AwardResult(0, "duplicate", posting.transfer)

    if rule.code in CONTRIBUTION_RULES:
        from .referrals import on_contribution

        on_contribution(session, user_id, now=now)
    _notices().coins_earned(session, user_id, granted, memo, rule=rule.code)
    return AwardResult(granted, "paid" if granted == boosted else "partially_capped", posting.transfer)


def _notices():
    # Imported when first needed: notifications is a leaf the earning paths tell.
    from goldcoin.notifications import coins

    return coins
