"""Every page a member, a moderator or an admin can open renders in zh_CN with
no English left in its own chrome (nav, headings, buttons, labels, messages).

The database holds the Chinese demo (`flask goldcoin demo --locale zh_CN`),
so what is left in Latin letters is either an allowed token (a username, a
product name such as EA or USDT, a symbol) or a string the catalogue misses.
Content the site shows as written (a memo, a file name) carries data-content
and is skipped."""
import re
from datetime import timedelta
from decimal import Decimal

import lxml.html
import pytest
from sqlalchemy import select

from goldcoin.auth.models import User
from goldcoin.community.models import Challenge, ExpertAdvisor, Section, Thread
from goldcoin.core.time import utcnow
from goldcoin.extensions import db
from goldcoin.payments.models import RechargeOrder

# Latin-letter words allowed on a Chinese page: names of people and products,
# trading terms the community writes in Latin letters, units and formats.
ALLOWED = {
    # demo members
    "admin", "alice", "bob", "carol", "dave", "erin", "frank", "grace",
    # products, protocols, formats
    "EA", "EAs", "VIP", "USDT", "TRC", "ERC", "BTC", "LTCT", "CoinPayments", "MetaTrader", "Discourse", "CSV", "JSON",
    "API", "ID", "IPN", "HTTP", "HMAC", "SHA", "UTC", "URL", "Bearer", "Idempotency", "Key", "KiB", "MB", "CNY", "USD", "LTC",
    "slug", "id", "code", "multiplier", "package_id", "coins", "events", "file", "rewards", "name", "coins_required",
    "description", "kind", "htm", "html", "ex", "mq", "zip", "vip", "POST", "true", "false", "refund",
    # the ledger's system accounts, named in the admin's explanations
    "mint", "sales", "sink", "adjustments",
    # the demo's EA names, symbols and the MQL terms in its posts
    "TrendRider", "Night", "Scalper", "EURUSD", "GBPUSD", "ATR", "OrderSend", "MODE_STOPLEVEL",
    "M1", "M5", "M15", "M30", "H1", "H4", "D1", "W1", "MN1",
    # the site's mark in the header and the language switcher's own name
    "English",
}
SKIP_TAGS = {"script", "style", "code", "pre", "svg", "noscript"}
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]+")
# URLs, paths and dotted codes (event_max.post.upvoted) are not words.
URL = re.compile(r"https?://\S+|(?<!\w)/[\w/.-]+|\w+(?:\.\w+)+")


def english_left(html):
    """The Latin-letter words of a page's own text that are not allowed."""
    tree = lxml.html.fromstring(html)
    # Skipped: content as written; the other language's name in the switcher;
    # Flask-Admin's data cells (stored values, td.col-<column>) and the JSON it
    # hands its scripts in hidden divs.
    skipped = ("//*[@data-content] | //*[@lang='en'] | //td[starts-with(@class, 'col-')]"
               " | //div[contains(@class, 'd-none') and contains(@id, '-data')]")
    for bad in tree.xpath(skipped):
        bad.drop_tree()
    texts = []
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in SKIP_TAGS:
            continue
        if any(parent.tag in SKIP_TAGS for parent in element.iterancestors()):
            continue
        texts.append(element.text or "")
        for attribute in ("title", "placeholder", "aria-label", "alt"):
            texts.append(element.get(attribute) or "")
        if element.tag == "input" and element.get("type") in ("submit", "button"):
            texts.append(element.get("value") or "")
        if element.getparent() is not None and element.getparent().tag not in SKIP_TAGS:
            texts.append(element.tail or "")
    words = {w for text in texts for w in WORD.findall(URL.sub(" ", text))}
    # Words with digits or underscores are codes (TRC20, ex4, start_bounty), not English.
    return sorted(w for w in words if w not in ALLOWED and not re.search(r"[0-9_]", w))


@pytest.fixture
def chinese_site(app, runner):
    result = runner.invoke(args=["goldcoin", "demo", "--locale", "zh_CN"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        users = {u.username: u for u in db.session.scalars(select(User))}
        alice = users["alice"]
        now = utcnow()
        pending = RechargeOrder(user_id=alice.id, coins=52, price=Decimal("52.00"), currency="CNY",
                                pay_currency="USDT.TRC20", pay_amount=Decimal("7.2"), address="TQ1demoaddress",
                                confirms_needed=3, received_confirms=1, expires_at=now + timedelta(hours=1),
                                status="pending")
        done = RechargeOrder(user_id=alice.id, coins=22, price=Decimal("22.00"), currency="CNY",
                             pay_currency="USDT.TRC20", pay_amount=Decimal("3.1"), status="completed", completed_at=now)
        db.session.add_all([pending, done])
        for user in users.values():
            user.language = "zh_CN"
        db.session.commit()
        ids = {
            "order_pending": pending.id, "order_done": done.id,
            "thread": db.session.scalar(select(Thread.id).order_by(Thread.id.desc())),
            "sections": list(db.session.scalars(select(Section.slug))),
            "eas": list(db.session.scalars(select(ExpertAdvisor.id))),
            "challenge": db.session.scalar(select(Challenge.id)),
        }
    return ids


def log_in(client, username, password):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = client.post("/login", data={"csrf_token": token, "username": username, "password": password})
    assert r.status_code == 302, r.get_data(as_text=True)[:500]


def member_pages(ids):
    pages = ["/", "/profile", "/u/bob", "/history", "/notifications", "/community/", "/community/eas",
             "/community/eas/new", "/community/challenges", f"/community/challenges/{ids['challenge']}",
             "/community/referral", "/leaderboard", "/leaderboard?period=month", "/leaderboard?period=week",
             "/store", "/store/redeem", "/vip", "/recharge", "/recharge/orders",
             f"/recharge/orders/{ids['order_pending']}", f"/recharge/orders/{ids['order_done']}",
             "/logout", "/no-such-page", f"/community/t/{ids['thread']}"]
    pages += [f"/community/s/{slug}" for slug in ids["sections"]]
    pages += [f"/community/eas/{ea}" for ea in ids["eas"]]
    return pages


def walk(client, pages):
    left = {}
    for path in pages:
        r = client.get(path)
        if r.status_code == 302:  # a page that only sends on (/admin/dashboard/ -> /admin/)
            continue
        assert r.status_code in (200, 403, 404), (path, r.status_code)
        html = r.get_data(as_text=True)
        assert '<html lang="zh-CN">' in html, path
        words = english_left(html)
        if words:
            left[path] = words
    return left


def test_anonymous_pages_speak_chinese(app, chinese_site):
    client = app.test_client()
    headers = {"Accept-Language": "zh-CN,zh;q=0.9"}
    left = {}
    for path in ("/", "/login", "/register", "/community/", "/leaderboard", "/store", "/community/eas"):
        words = english_left(client.get(path, headers=headers).get_data(as_text=True))
        if words:
            left[path] = words
    assert not left, f"English left: {left}"


def test_every_member_page_speaks_chinese(app, chinese_site):
    client = app.test_client()
    log_in(client, "alice", "alice-demo-pass")
    left = walk(client, member_pages(chinese_site))
    assert not left, f"English left: {left}"


def test_the_moderator_queue_speaks_chinese(app, chinese_site):
    client = app.test_client()
    log_in(client, "carol", "carol-demo-pass")
    left = walk(client, ["/community/eas/queue", "/admin/"])
    assert not left, f"English left: {left}"


def test_every_admin_page_speaks_chinese(app, chinese_site):
    client = app.test_client()
    log_in(client, "admin", "admin-demo-pass")
    pages = sorted({rule.rule for rule in app.url_map.iter_rules()
                    if rule.rule.startswith("/admin/") and "GET" in rule.methods and not rule.arguments
                    and not rule.rule.endswith((".json", "/export/", "/ajax/lookup/", "/details/", "/edit/", "/delete/",
                                                "/action/", "/new/", "/ajax/update/"))
                    and "/static/" not in rule.rule})
    pages += [p + "new/" for p in pages if _creatable(app, p)]
    left = walk(client, pages)
    assert not left, f"English left: {left}"


def _creatable(app, path):
    endpoint = path.strip("/").split("/")[-1]
    view = next((v for v in app.extensions["goldcoin_admin"]._views if getattr(v, "endpoint", None) == endpoint), None)
    return bool(view is not None and getattr(view, "can_create", False))


def test_json_messages_follow_the_members_language_and_codes_do_not(app, chinese_site, make_api):
    api = make_api("alice", "alice-demo-pass")
    r = api.post("/api/v1/rewards/999999/redeem", headers={"Idempotency-Key": "zh-test-1"})
    assert r.status_code == 404 and r.get_json()["error"] == "not_found"
    assert re.search(r"[\u4e00-\u9fff]", r.get_json()["message"]), r.get_json()
    r = api.post("/api/v1/me/language", {"language": "en"})
    r = api.post("/api/v1/rewards/999999/redeem", headers={"Idempotency-Key": "zh-test-2"})
    assert r.get_json()["error"] == "not_found" and not re.search(r"[\u4e00-\u9fff]", r.get_json()["message"])


def test_what_a_member_is_told_after_posting_is_in_chinese(app, chinese_site):
    client = app.test_client()
    log_in(client, "alice", "alice-demo-pass")
    page = client.get("/community/t/1").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = client.post("/community/t/1/reply", data={"csrf_token": token, "body": "谢谢分享，这个参数很有用。"},
                    follow_redirects=True)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "已发布。" in html
    assert "Posted." not in html
