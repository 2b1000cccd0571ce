"""award(): rules, caps across midnight, boosters and their maximum, idempotency."""
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import select

from goldcoin.earning import award, grant_personal_booster
from goldcoin.earning.models import BoosterCampaign, EarningRule
from goldcoin.earning.service import ensure_default_rules, get_rule
from goldcoin.earning.settings import set_setting
from goldcoin.ledger.models import Transfer

NOON = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)


def _rule(session, code, **changes):
    ensure_default_rules(session)
    rule = get_rule(session, code)
    for name, value in changes.items():
        setattr(rule, name, value)
    session.commit()
    return rule


def test_defaults_are_the_briefs(session):
    ensure_default_rules(session)
    session.commit()
    rules = {r.code: r for r in session.scalars(select(EarningRule))}
    assert (rules["post_quality"].amount, rules["post_quality"].threshold) == (10, 5)
    assert rules["ea_verified"].amount == 50
    assert rules["solution"].amount == 20
    assert rules["affiliate"].share_percent == Decimal("5.00")
    assert set(rules) >= {"bounty", "challenge", "referral"}


def test_solution_pays_20_once_with_earn_kind_and_key(session, make_user, balance):
    alice = make_user()
    first = award(session, alice.id, "solution", object_key="question:7", memo="Accepted answer", now=NOON)
    again = award(session, alice.id, "solution", object_key="question:7", memo="Accepted answer", now=NOON)
    session.commit()
    assert (first.paid, first.reason) == (20, "paid")
    assert (again.paid, again.reason) == (0, "duplicate")
    assert again.transfer.id == first.transfer.id
    assert first.transfer.kind == "earn.solution"
    assert first.transfer.idempotency_key == "earn:solution:question:7"
    assert balance(alice) == 20


def test_disabled_rule_pays_nothing(session, make_user, balance):
    alice = make_user()
    _rule(session, "ea_verified", enabled=False)
    result = award(session, alice.id, "ea_verified", object_key="ea:1", memo="EA")
    session.commit()
    assert (result.paid, result.reason) == (0, "disabled")
    assert balance(alice) == 0


def test_coin_cap_is_partial_then_capped_and_resets_at_utc_midnight(session, make_user, balance):
    alice = make_user()
    _rule(session, "solution", daily_cap_coins=50)
    late = datetime(2026, 3, 10, 23, 59, 30, tzinfo=timezone.utc)
    paid = [award(session, alice.id, "solution", object_key=f"q:{n}", memo="a", now=late) for n in range(4)]
    assert [(r.paid, r.reason) for r in paid] == [(20, "paid"), (20, "paid"), (10, "partially_capped"), (0, "capped")]
    after_midnight = late + timedelta(seconds=31)
    next_day = award(session, alice.id, "solution", object_key="q:9", memo="a", now=after_midnight)
    session.commit()
    assert (next_day.paid, next_day.reason) == (20, "paid")
    assert balance(alice) == 70


def test_count_cap(session, make_user):
    alice = make_user()
    _rule(session, "solution", daily_cap_count=2)
    results = [award(session, alice.id, "solution", object_key=f"q:{n}", memo="a", now=NOON).reason for n in range(3)]
    session.commit()
    assert results == ["paid", "paid", "capped"]


def test_duplicate_does_not_use_up_the_cap(session, make_user):
    alice = make_user()
    _rule(session, "solution", daily_cap_count=2)
    award(session, alice.id, "solution", object_key="q:1", memo="a", now=NOON)
    assert award(session, alice.id, "solution", object_key="q:1", memo="a", now=NOON).reason == "duplicate"
    assert award(session, alice.id, "solution", object_key="q:2", memo="a", now=NOON).reason == "paid"
    session.commit()


def test_campaign_doubles_while_active_and_only_for_its_rules(session, make_user, balance):
    alice = make_user()
    session.add(BoosterCampaign(name="Double weekend", multiplier=Decimal(2), rules="solution",
                                starts_at=NOON - timedelta(hours=1), ends_at=NOON + timedelta(hours=1)))
    session.commit()
    during = award(session, alice.id, "solution", object_key="q:1", memo="a", now=NOON)
    other_rule = award(session, alice.id, "ea_verified", object_key="ea:1", memo="a", now=NOON)
    after = award(session, alice.id, "solution", object_key="q:2", memo="a", now=NOON + timedelta(hours=2))
    session.commit()
    assert (during.paid, other_rule.paid, after.paid) == (40, 50, 20)
    assert balance(alice) == 110


def test_caps_count_boosted_coins(session, make_user):
    alice = make_user()
    _rule(session, "solution", daily_cap_coins=60)
    session.add(BoosterCampaign(name="x2", multiplier=Decimal(2), rules="",
                                starts_at=NOON - timedelta(hours=1), ends_at=NOON + timedelta(hours=1)))
    session.commit()
    paid = [award(session, alice.id, "solution", object_key=f"q:{n}", memo="a", now=NOON).paid for n in range(3)]
    session.commit()
    assert paid == [40, 20, 0]


def test_personal_and_global_boosters_never_exceed_the_maximum(session, make_user):
    alice = make_user()
    session.add(BoosterCampaign(name="x2", multiplier=Decimal(2), rules="",
                                starts_at=NOON - timedelta(hours=1), ends_at=NOON + timedelta(hours=5)))
    session.commit()
    grant_personal_booster(session, alice.id, 2, 24, key="redeem:booster:1", now=NOON - timedelta(minutes=5))
    again = grant_personal_booster(session, alice.id, 2, 24, key="redeem:booster:1", now=NOON)
    session.commit()
    assert again.starts_at is not None
    # 2 x 2 = 4 is above the default maximum of 3
    assert award(session, alice.id, "solution", object_key="q:1", memo="a", now=NOON).paid == 60
    set_setting(session, "max_multiplier", "5")
    assert award(session, alice.id, "solution", object_key="q:2", memo="a", now=NOON).paid == 80
    session.commit()


def test_personal_booster_grant_is_idempotent_by_key(session, make_user):
    alice = make_user()
    first = grant_personal_booster(session, alice.id, 2, 24, key="redeem:abc")
    second = grant_personal_booster(session, alice.id, 3, 48, key="redeem:abc")
    session.commit()
    assert first.id == second.id and second.multiplier == Decimal(2)


def test_rule_not_once_per_object_pays_each_member(session, make_user):
    alice, bob = make_user(), make_user()
    a = award(session, alice.id, "challenge", object_key="challenge:1", amount=100, memo="prize")
    b = award(session, bob.id, "challenge", object_key="challenge:1", amount=50, memo="prize")
    session.commit()
    assert (a.paid, b.paid) == (100, 50)
    keys = set(session.scalars(select(Transfer.idempotency_key).where(Transfer.kind == "earn.challenge")))
    assert keys == {f"earn:challenge:challenge:1:user:{alice.id}", f"earn:challenge:challenge:1:user:{bob.id}"}
