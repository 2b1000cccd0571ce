"""Defect 8: boosters never multiply referral or affiliate rewards, and the
referral milestone needs a top-up of at least `referral_min_topup_coins`."""
from datetime import timedelta

from goldcoin.earning.models import BoosterCampaign
from goldcoin.earning.referrals import on_recharge_completed, record_referral, referral_code_for
from goldcoin.earning.service import grant_personal_booster, multiplier_for
from goldcoin.earning.settings import set_setting
from goldcoin.ledger.models import utcnow


def boost_everything(session, user_id):
    now = utcnow()
    session.add(BoosterCampaign(name="Double weekend", multiplier=2, starts_at=now - timedelta(hours=1),
                                ends_at=now + timedelta(days=2)))
    grant_personal_booster(session, user_id, 3, 24, key="test:booster")


def test_a_sock_accounts_token_topup_pays_its_referrer_nothing_boosted(session, make_user, balance):
    referrer, sock = make_user(), make_user()
    record_referral(session, sock.id, referral_code_for(session, referrer.id))
    boost_everything(session, referrer.id)
    session.commit()
    assert multiplier_for(session, referrer.id, "post_quality") == 3  # capped at max_multiplier
    assert multiplier_for(session, referrer.id, "referral") == 1
    assert multiplier_for(session, referrer.id, "affiliate") == 1

    share = on_recharge_completed(session, sock.id, order_id=1, coins=22)
    session.commit()
    assert share.paid == 1  # 5% of 22, rounded down, not boosted
    assert balance(referrer) == 1  # no milestone under 100 coins

    on_recharge_completed(session, sock.id, order_id=2, coins=100)
    session.commit()
    assert balance(referrer) == 1 + 25 + 5  # the milestone (25, unboosted) and 5% of 100


def test_the_minimum_topup_is_a_setting(session, make_user, balance):
    referrer, newbie = make_user(), make_user()
    record_referral(session, newbie.id, referral_code_for(session, referrer.id))
    set_setting(session, "referral_min_topup_coins", "0")
    session.commit()
    on_recharge_completed(session, newbie.id, order_id=3, coins=10)
    session.commit()
    assert balance(referrer) == 25 + 0
