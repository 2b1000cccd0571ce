"""The silent economy: members hear (bell and live push) when coins are
earned, given or taken by an admin (with the reason), when a cap stops an
award, when their EA is verified or rejected, and when a bounty is refunded."""
import queue
from datetime import timedelta

import requests
import socketio
from sqlalchemy import select

from goldcoin.auth.models import User
from goldcoin.community.bounties import resolve_expired, start_bounty
from goldcoin.community.eas import reject_ea
from goldcoin.community.models import QUESTION, ExpertAdvisor, Section, Thread
from goldcoin.earning import award
from goldcoin.earning.service import get_rule
from goldcoin.ledger.models import utcnow
from goldcoin.notifications.models import Notification
from goldcoin.store.entitlements import grant
from tests.community.test_ea_library import only_ea, upload
from tests.support.server import login_session

WAIT = 20  # seconds to wait for a push that must come (not a timing assertion)


def texts(session, user_id):
    session.expire_all()
    found = [n.text for n in session.scalars(select(Notification).where(Notification.user_id == user_id)
                                              .order_by(Notification.id))]
    session.rollback()
    return found


def next_notification(events):
    while True:
        name, data = events.get(timeout=WAIT)
        if name == "notification":
            return data


def test_an_admins_adjustment_and_a_verified_ea_reach_the_member_live_and_in_the_bell(demo_server):
    dave = login_session(demo_server, "dave", "dave-demo-pass")
    events = queue.Queue()
    client = socketio.Client(reconnection=False)
    client.on("notification", lambda data: events.put(("notification", data)))
    cookie = "; ".join(f"{k}={v}" for k, v in dave.cookies.items())
    client.connect(demo_server, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=WAIT)
    try:
        admin = login_session(demo_server, "admin", "admin-demo-pass")
        me = dave.get(demo_server + "/api/v1/me").json()
        r = admin.post(demo_server + "/api/v1/admin/adjustments",
                       json={"user_id": me["id"], "amount": -5, "reason": "double payout on Monday"})
        assert r.status_code == 201, r.text
        assert next_notification(events)["text"] == "An admin took back 5 coins: double payout on Monday"

        carol = login_session(demo_server, "carol", "carol-demo-pass")
        queue_page = carol.get(demo_server + "/community/eas/queue").text
        assert "Night Scalper" in queue_page
        ea_id = int(queue_page.split("Night Scalper")[0].rsplit("/community/eas/", 1)[1].split('"')[0])
        r = carol.post(demo_server + f"/community/eas/{ea_id}/verify", data={"override_reason": "figures checked"},
                       allow_redirects=False)
        assert r.status_code == 302
        pushed = next_notification(events)
        assert pushed["text"] == "You earned 50 coins: Verified EA: Night Scalper"
    finally:
        client.disconnect()
    bell = dave.get(demo_server + "/api/v1/me/notifications").json()
    listed = [n["text"] for n in (bell["items"] if isinstance(bell, dict) else bell)]
    assert "An admin took back 5 coins: double payout on Monday" in listed and pushed["text"] in listed
    assert "double payout on Monday" in requests.get(demo_server + "/notifications", cookies=dave.cookies).text


def test_a_capped_award_says_why_it_paid_nothing(session, make_user):
    bob = make_user("bob")
    rule = get_rule(session, "solution")
    rule.daily_cap_count = 1
    session.commit()
    assert award(session, bob.id, "solution", object_key="question:1", memo="Accepted answer: Q1").paid
    assert award(session, bob.id, "solution", object_key="question:2", memo="Accepted answer: Q2").paid == 0
    session.commit()
    said = texts(session, bob.id)
    assert said[0].startswith("You earned ") and said[0].endswith("coins: Accepted answer: Q1")
    assert said[1] == ("Accepted answer: Q2 paid no coins: you reached today's limit for Accepted solution. "
                       "It resets at midnight UTC.")


def test_a_rejected_ea_and_a_refunded_bounty_are_told(app, forum, session, make_user, make_api):
    author, moderator = make_user("ann", coins=100), make_user("mod", role="moderator")
    upload(make_api("ann"), name="Grid Monster")
    ea = only_ea(session)
    reject_ea(session, session.get(User, moderator.id), session.get(ExpertAdvisor, ea.id), "The report is from another EA.")
    section = session.scalar(select(Section).where(Section.slug == "qa"))
    thread = Thread(section_id=section.id, author_id=author.id, title="Why no trades on Friday?", kind=QUESTION)
    session.add(thread)
    session.flush()
    grant(session, author.id, "privilege", "start_bounty")
    bounty = start_bounty(session, session.get(User, author.id), thread, 40)
    session.commit()
    assert resolve_expired(session, bounty, now=utcnow() + timedelta(days=8)) == "refunded"
    session.commit()
    said = texts(session, author.id)
    assert "Your EA Grid Monster was not verified: The report is from another EA." in said
    assert 'Your bounty on "Why no trades on Friday?" expired with no answer awarded: 40 coins were refunded.' in said
