"""Store pages, the VIP gate, the profile widget, titles, history export, admin."""
import csv
import io
import json
import re
from datetime import datetime, timedelta, timezone

from goldcoin.extensions import db
from goldcoin.ledger import MINT, system_account_id, transfer, wallet_id
from goldcoin.store.models import Entitlement, MemberTitle
from goldcoin.store.service import redeem_reward


def login(make_api, username):
    return make_api(username).client


def test_store_lists_rewards_with_stock_and_what_i_own_until_when(app, make_api, make_user, make_reward):
    make_user("alice", coins=500)
    vip = make_reward("VIP Group Access", cost=150, kind="group", code="vip", stock=4, duration_days=30)
    make_reward("Sold out thing", cost=10, stock=0)
    client = login(make_api, "alice")
    html = client.get("/store").get_data(as_text=True)
    for element in ('id="redeem-modal"', 'id="redeem-reward"', 'id="total-coins">500<', "VIP Group Access - 150 coins",
                    "4 left", "Out of stock"):
        assert element in html, element
    with app.app_context():
        redeem_reward(db.session, _uid(app, "alice"), vip, "p")
        db.session.commit()
    html = client.get("/store").get_data(as_text=True)
    until = re.search(r'You own this until <time datetime="([^"]+)"', html)
    assert until and datetime.fromisoformat(until.group(1)) > datetime.now(timezone.utc) + timedelta(days=29)
    assert "Open the VIP section" in html and "3 left" in html


def _uid(app, username):
    from sqlalchemy import select

    from goldcoin.auth.models import User

    return db.session.scalar(select(User.id).where(User.username == username))


def test_anonymous_store_and_redeem_page(client, make_api, make_user, make_reward):
    make_reward("Premium EA Access", cost=100)
    html = client.get("/store").get_data(as_text=True)
    assert "Premium EA Access" in html and 'id="redeem-modal"' not in html and "Log in" in html
    assert client.get("/store/redeem").status_code == 302
    make_user("bob", coins=120)
    page = login(make_api, "bob").get("/store/redeem").get_data(as_text=True)
    for element in ('id="redeem-page"', 'id="coin-balance">120<', 'id="redeem-message"', "Premium EA Access - 100 Coins"):
        assert element in page, element


def test_vip_section_is_refused_without_the_group_and_opens_with_it(app, make_api, make_user, make_reward):
    make_user("alice", coins=200)
    vip = make_reward("VIP Group", cost=150, kind="group", code="vip", duration_days=30)
    client = login(make_api, "alice")
    r = client.get("/vip")
    assert r.status_code == 403 and "/store" in r.get_data(as_text=True)
    assert 'id="vip-mark"' not in client.get("/profile").get_data(as_text=True)
    with app.app_context():
        redeem_reward(db.session, _uid(app, "alice"), vip, "vip")
        db.session.commit()
    r = client.get("/vip")
    assert r.status_code == 200 and "alice" in r.get_data(as_text=True)
    assert 'id="vip-mark"' in client.get("/u/alice").get_data(as_text=True)
    with app.app_context():  # membership ran out
        for e in db.session.query(Entitlement):
            e.expires_at = datetime.now(timezone.utc) - timedelta(minutes=1)
        db.session.commit()
    assert client.get("/vip").status_code == 403
    assert client.get("/api/v1/me").get_json()["groups"] == []


def test_title_form_escapes_and_profile_shows_title_and_badges(app, make_api, make_user, make_reward):
    make_user("alice", coins=200)
    title = make_reward("Custom Title", cost=50, kind="title")
    badge = make_reward("Badge", cost=10, kind="badge", code="Gold <Supporter>")
    client = login(make_api, "alice")
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/store").get_data(as_text=True)).group(1)
    r = client.post("/store/title", data={"csrf_token": csrf, "title": "Grid Master"})
    assert r.status_code == 302
    assert "Redeem a custom title" in client.get("/store").get_data(as_text=True)
    with app.app_context():
        uid = _uid(app, "alice")
        redeem_reward(db.session, uid, title, "t")
        redeem_reward(db.session, uid, badge, "b")
        db.session.commit()
    client.post("/store/title", data={"csrf_token": csrf, "title": "<b>boss</b>"})
    assert "may use letters" in client.get("/store").get_data(as_text=True)
    client.post("/store/title", data={"csrf_token": csrf, "title": "Grid Master & Co"})
    html = client.get("/profile").get_data(as_text=True)
    assert 'id="profile-title">Grid Master &amp; Co<' in html
    assert "Gold &lt;Supporter&gt;" in html and "<Supporter>" not in html
    assert 'id="redeem-button"' in html and 'id="redeem-modal"' in html and 'id="leaderboard"' in html
    me = client.get("/api/v1/me").get_json()
    assert me["title"] == "Grid Master & Co" and me["badges"] == ["Gold <Supporter>"]
    with app.app_context():
        assert db.session.get(MemberTitle, uid).title == "Grid Master & Co"


def test_history_csv_is_my_own_and_chart_data_is_embedded(app, make_api, make_user):
    alice = make_user("alice", coins=50)
    make_user("bob", coins=7)
    with app.app_context():
        transfer(db.session, system_account_id(db.session, MINT), wallet_id(db.session, alice.id), 10,
                 kind="earn.post_quality", key="e1", memo="=HYPERLINK(\"evil\")")
        db.session.commit()
    client = login(make_api, "alice")
    r = client.get("/history.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert [int(x["amount"]) for x in rows] == [50, 10] and rows[-1]["balance"] == "60"
    assert rows[-1]["memo"].startswith("'=")
    html = client.get("/history").get_data(as_text=True)
    series = json.loads(re.search(r'id="balance-series">(.*?)</script>', html, re.S).group(1))
    assert [p["balance"] for p in series] == [0, 50, 60]
    assert 'id="balance-chart"' in html
    assert app.test_client().get("/history.csv").status_code == 302


def test_admin_manages_rewards_and_imports_json(app, make_api, make_user):
    make_user("root", role="admin")
    make_user("member")
    client = login(make_api, "root")
    page = client.get("/admin/rewards/new/")
    assert page.status_code == 200
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    r = client.post("/admin/rewards/new/", data={"csrf_token": csrf, "name": "Admin made", "cost": "25",
                                                 "kind": "badge", "code": "Made", "active": "y", "sort_order": "0",
                                                 "description": "From the admin site"})
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    assert any(x["name"] == "Admin made" for x in app.test_client().get("/api/v1/rewards").get_json())
    upload = json.dumps({"rewards": [{"id": 1, "name": "Imported", "coins_required": 9, "kind": "title"}]})
    r = client.post("/admin/rewards/import/", data={"csrf_token": csrf, "file": (io.BytesIO(upload.encode()), "r.json")},
                    content_type="multipart/form-data")
    assert r.status_code == 302
    exported = client.get("/admin/rewards/export.json").get_json()
    assert {x["name"] for x in exported["rewards"]} == {"Admin made", "Imported"}
    assert login(make_api, "member").get("/admin/rewards/").status_code == 403


def test_a_reward_at_its_per_member_limit_is_not_offered_anywhere(app, make_api, make_user, make_reward):
    """Store page, redeem modal (on the store and the profile) and redeem page
    say the limit is reached instead of offering Redeem; the API still refuses."""
    from goldcoin.ledger import reverse

    alice = make_user("alice", coins=500)
    badge = make_reward("Gold Supporter Badge", cost=40, kind="badge", code="Gold", per_user_limit=1)
    twice = make_reward("Two per member", cost=10, kind="badge", code="Twice", per_user_limit=2)
    free = make_reward("Unlimited thing", cost=5)
    client = login(make_api, "alice")

    def offered():
        store = client.get("/store").get_data(as_text=True)
        profile = client.get("/profile").get_data(as_text=True)
        page = client.get("/store/redeem").get_data(as_text=True)
        out = {}
        for reward in (badge, twice, free):
            item = re.search(rf'<li class="reward card" data-reward-id="{reward}".*?</li>', store, re.S).group(0)
            options = [re.search(rf'<option value="{reward}"[^>]*>[^<]*', html).group(0) for html in (store, profile)]
            out[reward] = {
                "store": f'data-open-redeem="{reward}"' in item and "reached the limit" not in item,
                "modal": [" disabled" not in o and "limit reached" not in o for o in options],
                "page": f'data-redeem-now="{reward}"' in page and f'data-limit-reached="{reward}"' not in page,
            }
        return out

    everywhere = {"store": True, "modal": [True, True], "page": True}
    nowhere = {"store": False, "modal": [False, False], "page": False}
    assert offered() == {badge: everywhere, twice: everywhere, free: everywhere}
    with app.app_context():
        debit = redeem_reward(db.session, alice.id, badge, "b1").redemption.transfer_id
        redeem_reward(db.session, alice.id, twice, "t1")
        redeem_reward(db.session, alice.id, free, "f1")
        db.session.commit()
    assert offered() == {badge: nowhere, twice: everywhere, free: everywhere}
    assert "You have reached the limit of 1 per member." in client.get("/store").get_data(as_text=True)
    r = make_api("alice").post(f"/api/v1/rewards/{badge}/redeem", headers={"Idempotency-Key": "b2"})
    assert (r.status_code, r.get_json()["error"]) == (409, "limit_reached")
    with app.app_context():  # refunded: it no longer counts toward the limit, as the server rules
        reverse(db.session, debit, memo="refund")
        db.session.commit()
    assert offered()[badge] == everywhere
