"""Where the store's entitlements meet the community and the payments:
paid EA downloads with the author's share, premium access, the privilege
gates, the personal booster, and the referrer's affiliate share."""
import io

from sqlalchemy import select

from goldcoin.community.models import ExpertAdvisor
from goldcoin.ledger import SINK, balance_of, system_account_id
from goldcoin.store.models import Reward
from goldcoin.store.service import redeem_reward, seed_rewards

from .conftest import form_post

EA_FORM = dict(name="Night Scalper", description="Asian session scalper", symbol="GBPUSD", timeframe="M5",
               period="2024", net_profit="812.00", profit_factor="1.42", max_drawdown_pct="9.1", trades="540",
               win_rate="58.0")


def publish_ea(make_api, make_user, session, price=0, premium=False):
    """An EA uploaded by a fresh author and verified by a moderator; returns (author, ea_id)."""
    author, moderator = make_user(), make_user(role="moderator")
    api = make_api(author.username)
    data = dict(EA_FORM, price_coins=str(price), file=(io.BytesIO(b"\x00EX4-BYTES"), "nightscalper.ex4"))
    if premium:
        data["is_premium"] = "1"
    r = api.client.post("/community/eas/new", data=data, headers={"X-CSRFToken": api.csrf},
                        content_type="multipart/form-data")
    assert r.status_code in (302, 303), r.get_data(as_text=True)
    ea_id = session.scalar(select(ExpertAdvisor.id).order_by(ExpertAdvisor.id.desc()))
    if premium:
        session.get(ExpertAdvisor, ea_id).is_premium = True
    session.commit()
    # No report attached: the moderator verifies the typed figures with an override.
    form_post(make_api(moderator.username), f"/community/eas/{ea_id}/verify", override_reason="typed figures checked")
    return author, ea_id


def redeem(session, user, slug):
    seed_rewards(session)
    reward_id = session.scalar(select(Reward.id).where(Reward.slug == slug))
    redeem_reward(session, user.id, reward_id, client_key=f"test-{slug}")
    session.commit()


def test_a_paid_ea_is_bought_once_and_its_author_gets_the_share(forum, app, session, make_user, make_api, balance):
    author, ea_id = publish_ea(make_api, make_user, session, price=30)
    assert balance(author) == 50  # the verification award
    buyer = make_user(coins=100)
    api = make_api(buyer.username)
    sink_before = balance_of(session, system_account_id(session, SINK))
    session.rollback()  # end the read: on SQLite it holds the write lock

    assert api.get(f"/community/eas/{ea_id}/download").status_code == 403  # a guessed URL
    assert "Buy for 30 coins" in api.get(f"/community/eas/{ea_id}").get_data(as_text=True)

    assert form_post(api, f"/community/eas/{ea_id}/buy").status_code == 302
    assert balance(buyer) == 70
    assert balance(author) == 50 + 21  # 70 % of 30
    session.expire_all()
    assert balance_of(session, system_account_id(session, SINK)) - sink_before == 9
    session.rollback()

    download = api.get(f"/community/eas/{ea_id}/download")
    assert download.status_code == 200 and download.data == b"\x00EX4-BYTES"
    assert 'filename=nightscalper.ex4' in download.headers["Content-Disposition"]
    assert download.headers["Content-Type"] == "application/octet-stream"

    form_post(api, f"/community/eas/{ea_id}/buy")  # a second purchase is free
    assert balance(buyer) == 70 and balance(author) == 71
    assert make_api(author.username).get(f"/community/eas/{ea_id}/download").status_code == 200  # own EA: free


def test_a_member_without_enough_coins_cannot_buy_or_download(forum, session, make_user, make_api, balance):
    _, ea_id = publish_ea(make_api, make_user, session, price=30)
    poor = make_user(coins=29)
    api = make_api(poor.username)
    r = form_post(api, f"/community/eas/{ea_id}/buy")
    assert r.status_code == 302
    assert "more than you have" in api.get(f"/community/eas/{ea_id}").get_data(as_text=True)
    assert balance(poor) == 29
    assert api.get(f"/community/eas/{ea_id}/download").status_code == 403


def test_premium_eas_open_to_content_access_holders_without_paying(forum, session, make_user, make_api, balance):
    _, ea_id = publish_ea(make_api, make_user, session, price=0, premium=True)
    member = make_user(coins=100)
    api = make_api(member.username)
    assert api.get(f"/community/eas/{ea_id}/download").status_code == 403
    redeem(session, member, "premium-ea-access")
    assert api.get(f"/community/eas/{ea_id}/download").status_code == 200
    assert balance(member) == 0  # the reward's cost, nothing for the EA


def test_commercial_posting_needs_the_privilege(forum, session, make_user, make_api):
    member = make_user(coins=200)
    api = make_api(member.username)
    page = api.get("/community/s/commercial").get_data(as_text=True)
    assert 'id="commercial-locked"' in page and "/store" in page
    r = form_post(api, "/community/s/commercial/threads", title="Selling my EA", body="DM me")
    assert r.status_code == 403
    redeem(session, member, "commercial-posting")
    r = form_post(api, "/community/s/commercial/threads", title="Selling my EA", body="DM me")
    assert r.status_code in (302, 303)


def test_starting_a_bounty_needs_the_privilege(forum, session, make_user, make_api, balance):
    member = make_user(coins=200)
    api = make_api(member.username)
    r = form_post(api, "/community/s/qa/threads", title="Why does my EA stop on Fridays?", body="It just stops.")
    thread_url = r.headers["Location"]
    thread_id = int(thread_url.rstrip("/").rsplit("/", 1)[1])
    assert 'id="bounty-locked"' in api.get(thread_url).get_data(as_text=True)
    assert form_post(api, f"/community/t/{thread_id}/bounty", amount="20").status_code == 403
    redeem(session, member, "start-bounties")
    assert form_post(api, f"/community/t/{thread_id}/bounty", amount="20").status_code in (302, 303)
    assert balance(member) == 200 - 80 - 20  # the privilege, then the bounty into escrow


def test_a_redeemed_booster_doubles_the_members_next_award(app, session, make_user):
    from goldcoin.earning import award, ensure_default_rules

    member = make_user(coins=60)
    ensure_default_rules(session)
    redeem(session, member, "personal-booster-x2")
    result = award(session, member.id, "solution", object_key="question:1", memo="accepted answer")
    session.commit()
    assert result.paid == 40  # +20, doubled


def test_a_completed_top_up_pays_the_referrer_their_affiliate_share(app, session, make_user):
    from decimal import Decimal

    from goldcoin.earning import ensure_default_rules
    from goldcoin.earning.referrals import record_referral, referral_code_for
    from goldcoin.payments.models import RechargeOrder
    from goldcoin.payments.orders import transition

    referrer, referee = make_user(), make_user()
    ensure_default_rules(session)
    record_referral(session, referee.id, referral_code_for(session, referrer.id))
    order = RechargeOrder(user_id=referee.id, coins=200, bonus_coins=0, price=Decimal("200"), currency="CNY",
                          pay_currency="USDT.TRC20", txn_id="CPTEST1")
    session.add(order)
    session.flush()
    transition(session, order, "completed")
    session.commit()
    from goldcoin.ledger import earned_total, wallet_id

    # The milestone reward (first completed top-up) plus 5 % of the 200 coins bought.
    assert earned_total(session, wallet_id(session, referrer.id)) == 25 + 10
