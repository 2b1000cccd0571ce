"""Referrals: recorded at sign-up, paid at the milestone, affiliate share in the window."""
from datetime import timedelta

from sqlalchemy import select

from goldcoin.earning import award
from goldcoin.earning.models import Referral
from goldcoin.earning.referrals import on_recharge_completed, record_referral, referral_code_for
from goldcoin.ledger.models import Transfer, utcnow


def test_register_with_referral_code_records_referrer_and_pays_nothing_yet(app, session, make_user, make_api, balance):
    alice = make_user()
    code = referral_code_for(session, alice.id)
    session.commit()
    api = make_api()
    api.fetch_csrf()
    response = api.post("/api/v1/auth/register", {"username": "newbie", "email": "newbie@example.com",
                                                   "password": "password123", "referral_code": code})
    assert response.status_code == 201, response.get_json()
    referral = session.scalar(select(Referral))
    assert referral.referrer_id == alice.id and referral.referee_id == response.get_json()["id"]
    assert balance(alice) == 0


def test_register_page_records_referrer_from_link(client, session, make_user):
    alice = make_user()
    code = referral_code_for(session, alice.id)
    session.commit()
    page = client.get(f"/register?ref={code}")
    assert code in page.get_data(as_text=True)
    import re

    from flask_wtf.csrf import generate_csrf  # noqa: F401
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    response = client.post(f"/register?ref={code}", data={"csrf_token": token, "username": "linkjoiner",
                                                          "email": "lj@example.com", "password": "password123",
                                                          "referral_code": code})
    assert response.status_code == 302
    assert session.scalar(select(Referral.referrer_id)) == alice.id


def test_referrer_paid_once_at_first_contribution(session, make_user, balance):
    alice, bob = make_user(), make_user()
    assert record_referral(session, bob.id, referral_code_for(session, alice.id)) is not None
    assert record_referral(session, alice.id, referral_code_for(session, alice.id)) is None  # self
    session.commit()
    award(session, bob.id, "solution", object_key="question:1", memo="answer")
    award(session, bob.id, "solution", object_key="question:2", memo="answer")
    session.commit()
    assert balance(alice) == 25  # the referral milestone, once
    assert balance(bob) == 40


def test_topup_pays_milestone_and_affiliate_share_once_per_order(session, make_user, balance):
    alice, bob = make_user(), make_user()
    record_referral(session, bob.id, referral_code_for(session, alice.id))
    session.commit()
    first = on_recharge_completed(session, bob.id, order_id=17, coins=1000)
    again = on_recharge_completed(session, bob.id, order_id=17, coins=1000)
    session.commit()
    assert (first.paid, again.paid, again.reason) == (50, 0, "duplicate")
    assert balance(alice) == 25 + 50
    kinds = sorted(session.scalars(select(Transfer.kind).where(Transfer.kind.startswith("earn."))))
    assert kinds == ["earn.affiliate", "earn.referral"]


def test_affiliate_share_stops_after_the_window(session, make_user, balance):
    alice, bob = make_user(), make_user()
    record_referral(session, bob.id, referral_code_for(session, alice.id))
    session.commit()
    late = utcnow() + timedelta(days=91)
    assert on_recharge_completed(session, bob.id, order_id=5, coins=1000, now=late) is None
    session.commit()
    assert balance(alice) == 25  # the milestone still pays; the share does not


def test_unreferred_member_topup_pays_nobody(session, make_user):
    bob = make_user()
    assert on_recharge_completed(session, bob.id, order_id=1, coins=500) is None
