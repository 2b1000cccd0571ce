"""Admin lists name members by username (linked to the member's admin page),
not by a bare id; they search and filter by username; and they read the names
with the page, not one query per row."""
import re
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event

from goldcoin.extensions import db
from tests.community.conftest import forum  # noqa: F401

# endpoint -> the filter (by its shown name) that picks rows by a member's username
LISTS = {
    "redemptions": "Member",
    "entitlements": "Member",
    "titles": "Member",
    "purchases": "Buyer",
    "personal_boosters": "Member",
    "referrals": "Referred member",
    "forum_events": "Member",
    "recharge_orders": "Member",
    "accounts": "Member",
    "transfers": "By",
    "audit": "By",
    "tokens": None,
    "discourse_events": "Member",
    "discourse_members": "Member",
    "bounties": "Asker",
    "challenge_entries": "Member",
}
SEARCHABLE = ["redemptions", "entitlements", "titles", "purchases", "personal_boosters", "referrals", "forum_events",
              "recharge_orders", "discourse_events", "discourse_members", "bounties", "challenge_entries"]


def seed_rows(app, member, anchor, qa_section_id, n):
    """One row of every list above that names `member` (`anchor` is the other party)."""
    from goldcoin.auth.models import User
    from goldcoin.auth.service import create_token
    from goldcoin.community.bounties import start_bounty
    from goldcoin.community.models import Challenge, ChallengeEntry, Section
    from goldcoin.community.service import create_thread
    from goldcoin.core import audit
    from goldcoin.core.time import utcnow
    from goldcoin.discourse.models import DiscourseEvent, DiscourseMember
    from goldcoin.earning.models import ExternalEvent, PersonalBooster, Referral
    from goldcoin.ledger import MINT, system_account_id, transfer, wallet_id
    from goldcoin.ledger.adjustments import adjust_balance
    from goldcoin.payments.models import RechargeOrder
    from goldcoin.store.entitlements import grant, set_title
    from goldcoin.store.models import Purchase
    from goldcoin.store.service import create_reward, redeem_reward

    with app.app_context():
        s = db.session
        now = utcnow()
        user = s.get(User, member.id)
        adjust_balance(s, member.id, 500, reason="seed", key=f"seed:{member.id}")
        reward = create_reward(s, {"name": f"Badge {n}", "cost": 10, "kind": "badge", "code": f"Helper {n}"})
        redeem_reward(s, member.id, reward.id)
        grant(s, member.id, "privilege", "start_bounty")
        grant(s, member.id, "title")
        set_title(s, member.id, f"Helper {n}")
        s.add(Purchase(buyer_id=member.id, seller_id=anchor.id, item_key=f"ea:{n}", price=0))
        s.add(PersonalBooster(user_id=member.id, multiplier=Decimal("2"), starts_at=now,
                              ends_at=now + timedelta(days=1), key=f"seed:{n}"))
        s.add(Referral(referrer_id=anchor.id, referee_id=member.id))
        s.add(ExternalEvent(event_id=f"ev{n}", type="post", user_id=member.id, object_id=f"p{n}"))
        s.add(RechargeOrder(user_id=member.id, coins=100, price=Decimal("1.00"), currency="USD",
                            pay_currency="USDT.TRC20", txn_id=f"TXN{n}"))
        transfer(s, system_account_id(s, MINT), wallet_id(s, anchor.id), 1, kind="earn.test", key=f"seed:t:{n}",
                 actor_id=member.id)
        audit.record(s, member.id, "test.seed", f"user:{member.id}")
        create_token(s, f"token {n}", "events", created_by_id=member.id)
        s.add(DiscourseEvent(instance="https://forum.example.com", event_id=f"d{n}", event_type="post",
                             event_name="post_created", status="paid", user_id=member.id))
        s.add(DiscourseMember(discourse_user_id=1000 + n, user_id=member.id, username=f"forum_{member.username}"))
        thread = create_thread(s, user, s.get(Section, qa_section_id), f"Question {n} of {member.username}", "Why?")
        start_bounty(s, user, thread, 50)
        challenge = Challenge(title=f"Challenge {n}", prize_pool=0, starts_at=now, ends_at=now + timedelta(days=1))
        s.add(challenge)
        s.flush()
        s.add(ChallengeEntry(challenge_id=challenge.id, user_id=member.id, note="mine"))
        s.commit()


@pytest.fixture
def seeded(app, make_user, forum):  # noqa: F811 - the fixture imported above
    anchor = make_user("anchor_member")
    counter = iter(range(1, 1000))

    def seed(username):
        member = make_user(username)
        seed_rows(app, member, anchor, forum["qa"], next(counter))
        return member

    return seed


BARE_ID_HEADER = re.compile(r">\s*(User|Actor|Buyer|Seller|Referrer|Referee|Owner|Created By) Id\s*<")


def member_link(member):
    return re.compile(r'<a class="member-link" href="/admin/members/details/\?id=%d"[^>]*>%s</a>'
                      % (member.id, re.escape(member.username)))


def filter_arg(app, endpoint, name):
    """The list's URL argument of the "equals" filter shown as `name`."""
    view = next(v for v in app.extensions["goldcoin_admin"]._views if getattr(v, "endpoint", None) == endpoint)
    for index, flt in enumerate(view._filters):
        if str(flt.name) == name and str(flt.operation()) == "equals":
            return f"flt0_{index}"
    raise AssertionError(f"{endpoint} has no 'equals' filter named {name!r}")


@pytest.mark.parametrize("endpoint", sorted(LISTS))
def test_lists_name_the_member_linked_to_their_admin_page(endpoint, seeded, admin_page):
    zoe = seeded("zoe_lists")
    html = admin_page.get(f"/admin/{endpoint}/").get_data(as_text=True)
    assert member_link(zoe).search(html), f"{endpoint}: no link to zoe_lists' admin page"
    assert not BARE_ID_HEADER.search(html), f"{endpoint}: {BARE_ID_HEADER.search(html).group(0)}"


@pytest.mark.parametrize("endpoint", sorted(name for name, flt in LISTS.items() if flt))
def test_lists_filter_by_username(app, endpoint, seeded, admin_page):
    zoe, yan = seeded("zoe_filter"), seeded("yan_filter")
    html = admin_page.get(f"/admin/{endpoint}/?{filter_arg(app, endpoint, LISTS[endpoint])}=ZOE_filter")
    html = html.get_data(as_text=True)
    assert member_link(zoe).search(html) and not member_link(yan).search(html), endpoint


@pytest.mark.parametrize("endpoint", SEARCHABLE)
def test_lists_search_by_username(endpoint, seeded, admin_page):
    zoe, yan = seeded("zoe_search"), seeded("yan_search")
    html = admin_page.get(f"/admin/{endpoint}/?search=zoe_sea").get_data(as_text=True)
    assert member_link(zoe).search(html) and not member_link(yan).search(html), endpoint


def test_lists_read_the_names_with_the_page_not_per_row(app, seeded, admin_page):
    """The number of statements a list page runs does not grow with its rows."""
    with app.app_context():
        engine = db.engine
    statements = []
    request_thread = threading.get_ident()

    def count(*args):
        # Only the page's own statements: a background thread (an email sent
        # after an earlier commit) shares the engine and would be counted too.
        if threading.get_ident() == request_thread:
            statements.append(1)

    def statements_for(path):
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            assert admin_page.get(path).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(statements)

    seeded("few_1")
    few = {endpoint: statements_for(f"/admin/{endpoint}/") for endpoint in LISTS}
    for i in range(4):
        seeded(f"many_{i}")
    many = {endpoint: statements_for(f"/admin/{endpoint}/") for endpoint in LISTS}
    grown = {endpoint: (few[endpoint], many[endpoint]) for endpoint in LISTS if many[endpoint] > few[endpoint]}
    assert not grown, f"statements per page grew with the rows: {grown}"


def test_a_moderator_sees_names_without_links_to_pages_for_admins(seeded, make_user, make_page_client):
    zoe = seeded("zoe_titles")
    make_user("mod_titles", role="moderator")
    html = make_page_client("mod_titles").get("/admin/titles/").get_data(as_text=True)
    assert "zoe_titles" in html and "/admin/members/" not in html
    assert not member_link(zoe).search(html)


def test_csv_exports_keep_plain_usernames(seeded, admin_page):
    seeded("zoe_csv")
    csv = admin_page.get("/admin/recharge_orders/export/csv/").get_data(as_text=True)
    header, row = csv.splitlines()[:2]
    assert header.split(",")[:3] == ["Id", "Created At", "User"]
    assert "zoe_csv" in row and "<a" not in csv
