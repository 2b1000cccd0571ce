"""Redeeming rewards: one transaction's worth of work, or nothing."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from goldcoin.ledger import SINK, InsufficientFunds, Transfer, balance_of, system_account_id, wallet_id
from goldcoin.store import entitlements
from goldcoin.store.errors import KeyReused, LimitReached, OutOfStock, RewardNotFound
from goldcoin.store.models import Entitlement, Redemption, Reward
from goldcoin.store.service import redeem_reward


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_redeem_with_enough_coins_debits_to_sink_and_grants_the_group(session, make_user, make_reward):
    alice = make_user("alice", coins=200)
    vip = make_reward("VIP Group", cost=150, kind="group", code="vip", stock=3, duration_days=30)
    sink_before = balance_of(session, system_account_id(session, SINK))

    result = redeem_reward(session, alice.id, vip, "click-1")
    session.commit()

    assert not result.replayed and result.redemption.cost == 150
    assert balance_of(session, wallet_id(session, alice.id)) == 50
    assert balance_of(session, system_account_id(session, SINK)) == sink_before + 150
    posted = session.get(Transfer, result.redemption.transfer_id)
    assert (posted.kind, posted.idempotency_key, posted.amount) == ("redeem", f"redeem:{alice.id}:click-1", 150)
    assert session.get(Reward, vip).stock == 2
    assert entitlements.in_group(session, alice.id, "vip")
    held, until = entitlements.expiry_of(session, alice.id, "group", "vip")
    assert held and timedelta(days=29) < until - datetime.now(timezone.utc) <= timedelta(days=30)


def test_not_enough_coins_writes_nothing(session, make_user, make_reward):
    bob = make_user("bob", coins=99)
    reward = make_reward(cost=100, stock=5)
    with pytest.raises(InsufficientFunds):
        redeem_reward(session, bob.id, reward, "k")
    session.rollback()
    assert balance_of(session, wallet_id(session, bob.id)) == 99
    assert count(session, Redemption) == 0 and count(session, Entitlement) == 0
    assert session.get(Reward, reward).stock == 5
    assert not entitlements.has_content_access(session, bob.id)


def test_the_same_key_twice_is_the_same_redemption_charged_once(session, make_user, make_reward):
    alice = make_user("alice", coins=500)
    bob = make_user("bob", coins=100)
    reward = make_reward(cost=100)
    other = make_reward(cost=1)
    first = redeem_reward(session, alice.id, reward, "same")
    session.commit()
    again = redeem_reward(session, alice.id, reward, "same")
    session.commit()
    assert again.replayed and again.redemption.id == first.redemption.id
    assert balance_of(session, wallet_id(session, alice.id)) == 400
    assert count(session, Redemption) == 1
    # A key is the member's own: another member's same key is another redemption.
    assert not redeem_reward(session, bob.id, reward, "same").replayed
    session.commit()
    # The key once used for one reward cannot buy another.
    with pytest.raises(KeyReused):
        redeem_reward(session, alice.id, other, "same")


def test_without_a_key_each_redeem_is_new(session, make_user, make_reward):
    alice = make_user("alice", coins=30)
    reward = make_reward(cost=10, kind="badge", code="Helper")
    for _ in range(3):
        redeem_reward(session, alice.id, reward)
        session.commit()
    assert balance_of(session, wallet_id(session, alice.id)) == 0
    keys = session.scalars(select(Transfer.idempotency_key).where(Transfer.kind == "redeem")).all()
    assert len(set(keys)) == 3


def test_out_of_stock_and_limit_reached(session, make_user, make_reward):
    alice = make_user("alice", coins=1000)
    one_left = make_reward(cost=10, stock=1)
    limited = make_reward(cost=10, kind="privilege", code="start_bounty", per_user_limit=2)
    redeem_reward(session, alice.id, one_left, "a")
    session.commit()
    with pytest.raises(OutOfStock):
        redeem_reward(session, alice.id, one_left, "b")
    session.rollback()
    redeem_reward(session, alice.id, limited, "c")
    redeem_reward(session, alice.id, limited, "d")
    session.commit()
    with pytest.raises(LimitReached):
        redeem_reward(session, alice.id, limited, "e")
    session.rollback()
    assert balance_of(session, wallet_id(session, alice.id)) == 970
    # a replay of an old key still answers, even now the reward is sold out
    assert redeem_reward(session, alice.id, one_left, "a").replayed


def test_unknown_or_inactive_reward_is_not_found(session, make_user, make_reward):
    alice = make_user("alice", coins=100)
    hidden = make_reward(cost=10, active=False)

    with pytest.raises(RewardNotFound):
        redeem_reward(session, alice.id, hidden, "x")
    with pytest.raises(RewardNotFound):
        redeem_reward(session, alice.id, 999999, "y")


def test_entitlements_expire_and_a_second_redeem_extends(session, make_user, make_reward):
    alice = make_user("alice", coins=1000)
    commercial = make_reward(cost=100, kind="privilege", code="commercial_posting", duration_days=30)
    now = datetime.now(timezone.utc)
    redeem_reward(session, alice.id, commercial, "one", now=now)
    session.commit()
    assert entitlements.has_privilege(session, alice.id, "commercial_posting")
    assert entitlements.has_privilege(session, alice.id, "commercial_posting", now=now + timedelta(days=29))
    assert not entitlements.has_privilege(session, alice.id, "commercial_posting", now=now + timedelta(days=31))
    assert not entitlements.has_privilege(session, alice.id, "start_bounty")
    redeem_reward(session, alice.id, commercial, "two", now=now)
    session.commit()
    assert entitlements.has_privilege(session, alice.id, "commercial_posting", now=now + timedelta(days=59))
    assert not entitlements.has_privilege(session, alice.id, "commercial_posting", now=now + timedelta(days=61))


def test_expired_entitlement_in_the_past_does_not_count(session, make_user):
    alice = make_user("alice")
    past = datetime.now(timezone.utc) - timedelta(seconds=1)
    session.add_all([
        Entitlement(user_id=alice.id, kind="content_access", expires_at=past),
        Entitlement(user_id=alice.id, kind="group", code="vip", expires_at=past),
        Entitlement(user_id=alice.id, kind="badge", code="Old badge", expires_at=past),
        Entitlement(user_id=alice.id, kind="badge", code="Forever"),
    ])
    session.commit()
    assert not entitlements.has_content_access(session, alice.id)
    assert not entitlements.in_group(session, alice.id, "vip")
    assert entitlements.title_and_badges(session, alice.id) == (None, ["Forever"])


def test_titles_need_the_entitlement_and_are_limited(session, make_user, make_reward):
    from goldcoin.store.errors import InvalidTitle, NotEntitled

    alice = make_user("alice", coins=100)
    title = make_reward(cost=50, kind="title")
    with pytest.raises(NotEntitled):
        entitlements.set_title(session, alice.id, "EA Wizard")
    redeem_reward(session, alice.id, title, "t")
    for bad in ("x", "<script>alert(1)</script>", "a" * 33, "under_score"):
        with pytest.raises(InvalidTitle):
            entitlements.set_title(session, alice.id, bad)
    assert entitlements.set_title(session, alice.id, "  Grid   Master #1 ") == "Grid Master #1"
    session.commit()
    assert entitlements.title_and_badges(session, alice.id) == ("Grid Master #1", [])


def test_an_admin_reversal_refunds_the_redemption_and_ends_its_effect(session, make_user, make_reward, make_api):
    make_user("boss", role="admin")
    alice = make_user("alice", coins=150)
    vip = make_reward("VIP Group", cost=150, kind="group", code="vip", stock=1, per_user_limit=1, duration_days=30)
    debit = redeem_reward(session, alice.id, vip, "vip-1").redemption.transfer_id
    session.commit()
    assert entitlements.in_group(session, alice.id, "vip") and session.get(Reward, vip).stock == 0
    session.rollback()  # end the read: on SQLite it holds the write lock

    r = make_api("boss").post(f"/api/v1/admin/transfers/{debit}/reverse", {"reason": "refund: wrong reward"})
    assert r.status_code == 201, r.get_data(as_text=True)

    session.expire_all()
    assert balance_of(session, wallet_id(session, alice.id)) == 150
    assert not entitlements.in_group(session, alice.id, "vip")
    assert session.get(Reward, vip).stock == 1  # back on the shelf
    # The refunded redemption no longer counts toward the per-member limit.
    again = redeem_reward(session, alice.id, vip, "vip-2")
    session.commit()
    assert not again.replayed and entitlements.in_group(session, alice.id, "vip")
    assert balance_of(session, wallet_id(session, alice.id)) == 0


def test_reversing_a_booster_redemption_ends_the_booster(session, make_user, make_reward):
    from goldcoin.earning import multiplier_for
    from goldcoin.ledger import reverse

    bob = make_user("bob", coins=60)
    booster = make_reward("x2 for a day", cost=60, kind="booster", multiplier="2", duration_days=1)
    debit = redeem_reward(session, bob.id, booster, "boost").redemption.transfer_id
    session.commit()
    assert multiplier_for(session, bob.id, "solution") == 2
    reverse(session, debit, memo="refund")
    session.commit()
    assert multiplier_for(session, bob.id, "solution") == 1
    assert balance_of(session, wallet_id(session, bob.id)) == 60
