"""The demo has a VIP member: alice joined the VIP group through the store
(coins spent through the ledger, the entitlement granted), so the VIP section
shows her and her posts; bob, with the coins for it, is left to try joining."""
from sqlalchemy import func, select

from goldcoin.auth.models import User
from goldcoin.demo import create_demo_data
from goldcoin.ledger.models import Transfer
from goldcoin.store import entitlements
from goldcoin.store.models import GROUP, Redemption, Reward


def test_the_demo_has_one_vip_member_who_joined_through_the_store_and_a_second_run_adds_nothing(
        app, session, make_api, balance):
    assert create_demo_data(session, app.config) is True
    session.commit()
    alice = session.scalar(select(User).where(User.username == "alice"))
    vip = session.scalar(select(Reward).where(Reward.slug == "vip-group"))
    redemptions = select(func.count(Redemption.id)).where(Redemption.reward_id == vip.id)
    assert session.scalar(redemptions) == 1
    assert session.scalar(select(Redemption.user_id).where(Redemption.reward_id == vip.id)) == alice.id
    spent = session.scalar(select(Transfer.amount).join(Redemption, Redemption.transfer_id == Transfer.id)
                           .where(Redemption.reward_id == vip.id))
    assert spent == vip.cost  # the coins went through the ledger
    assert entitlements.expiry_of(session, alice.id, GROUP, entitlements.VIP)[0]
    session.expunge(alice)
    alice_balance = balance(alice)
    session.rollback()

    assert create_demo_data(session, app.config) is False
    session.commit()
    assert session.scalar(redemptions) == 1 and balance(alice) == alice_balance
    session.rollback()

    html = make_api("alice", "alice-demo-pass").get("/vip").get_data(as_text=True)
    assert 'id="vip-members"' in html and 'href="/u/alice">alice</a>' in html
    assert 'id="vip-posts"' in html and "Grid EA settings for EURUSD" in html
    assert make_api("bob", "bob-demo-pass").get("/vip").status_code == 403  # bob can still join himself
