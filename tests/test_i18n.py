"""Choosing the language (API.md, Languages): the member's saved choice, else
?lang= (kept in the session), else Accept-Language, else the site's default;
<html lang> follows it, the header switches it, the admin site speaks it."""
import re

from goldcoin.auth.models import User
from goldcoin.extensions import db


def csrf_from(html):
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def html_lang(response):
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


def test_english_by_default(client):
    r = client.get("/login")
    assert html_lang(r) == "en" and ">Log in<" in r.get_data(as_text=True)


def test_accept_language_picks_chinese_and_falls_back_on_the_primary_tag(client, app):
    for header in ("zh-CN,zh;q=0.9,en;q=0.8", "zh-TW", "zh"):
        r = app.test_client().get("/login", headers={"Accept-Language": header})
        assert html_lang(r) == "zh-CN", header
        assert ">登录<" in r.get_data(as_text=True)
    assert html_lang(client.get("/login", headers={"Accept-Language": "fr, en;q=0.5"})) == "en"


def test_lang_parameter_wins_over_the_browser_and_stays_in_the_session(client):
    chinese_browser = {"Accept-Language": "zh-CN"}
    assert html_lang(client.get("/login?lang=en", headers=chinese_browser)) == "en"
    assert html_lang(client.get("/login", headers=chinese_browser)) == "en"  # kept
    assert html_lang(client.get("/login?lang=zh_CN")) == "zh-CN"
    assert html_lang(client.get("/login?lang=klingon")) == "zh-CN"  # unknown: ignored


def test_site_default_for_a_chinese_forum(app_config):
    from goldcoin import create_app

    app = create_app(dict(app_config, GOLDCOIN_DEFAULT_LOCALE="zh_CN"))
    assert html_lang(app.test_client().get("/login")) == "zh-CN"


def test_the_switcher_saves_the_members_choice_over_lang_and_browser(client, make_user, app):
    user = make_user("lin")
    token = csrf_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"csrf_token": token, "username": "lin", "password": "password123"})
    page = client.get("/profile").get_data(as_text=True)
    assert 'value="zh_CN"' in page and "中文" in page
    r = client.post("/language", data={"csrf_token": csrf_from(page), "language": "zh_CN", "next": "/profile"})
    assert r.status_code == 302 and r.headers["Location"] == "/profile"
    with app.app_context():
        assert db.session.get(User, user.id).language == "zh_CN"
    # The saved choice beats ?lang= and the browser.
    assert html_lang(client.get("/profile?lang=en", headers={"Accept-Language": "en"})) == "zh-CN"


def test_the_switcher_sends_back_on_site_only(client):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    r = client.post("/language", data={"csrf_token": token, "language": "zh_CN", "next": "//evil.example/x"})
    assert r.headers["Location"] == "/"


def test_api_saves_the_language_and_answers_in_it(api, make_user, app):
    user = make_user("wang")
    api.login("wang")
    r = api.post("/api/v1/me/language", {"language": "fr"})
    assert r.status_code == 400 and r.get_json()["error"] == "bad_request"
    r = api.post("/api/v1/me/language", {"language": "zh_CN", "timezone": "Asia/Shanghai"})
    assert r.status_code == 200 and r.get_json() == {"language": "zh_CN", "timezone": "Asia/Shanghai"}
    with app.app_context():
        saved = db.session.get(User, user.id)
        assert (saved.language, saved.timezone) == ("zh_CN", "Asia/Shanghai")
    r = api.post("/api/v1/me/language", {"language": "zh_CN", "timezone": "Mars/Olympus"})
    assert r.status_code == 400
    assert r.get_json() == {"error": "bad_request", "message": "未知的时区：Mars/Olympus。"}
    # A refused request changes nothing: it answers in the language saved before.
    assert api.post("/api/v1/me/language", {"language": "en"}).status_code == 200
    r = api.post("/api/v1/me/language", {"language": "zh_CN", "timezone": "Mars/Olympus"})
    assert r.get_json() == {"error": "bad_request", "message": "Unknown time zone: Mars/Olympus."}


def test_api_language_needs_a_member(api):
    r = api.post("/api/v1/me/language", {"language": "zh_CN"})
    assert r.status_code == 401 and r.get_json()["error"] == "unauthorized"


def test_the_admin_site_follows_the_choice(client, make_user):
    make_user("boss", role="admin")
    token = csrf_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"csrf_token": token, "username": "boss", "password": "password123"})
    token = csrf_from(client.get("/profile").get_data(as_text=True))
    client.post("/language", data={"csrf_token": token, "language": "zh_CN", "next": "/"})
    html = client.get("/admin/members/").get_data(as_text=True)
    assert "列表" in html  # Flask-Admin's own catalogue: "List"


def test_validation_messages_follow_the_language_and_codes_do_not(api, make_user):
    make_user("zhou")
    api.login("zhou")
    english = api.post("/api/v1/me/language", {"language": 5}).get_json()
    assert english == {"error": "bad_request", "message": "'language' must be a string."}
    api.post("/api/v1/me/language", {"language": "zh_CN"})
    r = api.post("/api/v1/me/language", {"language": 5})
    assert r.get_json() == {"error": "bad_request", "message": "'language' 必须是字符串。"}
    r = api.post("/api/v1/recharge/orders", {"coins": "ten"})
    assert r.get_json()["error"] == "bad_request" and "必须是整数" in r.get_json()["message"]


def test_the_profile_saves_a_time_zone_and_times_follow_it(client, make_user, app):
    user = make_user("tzone")
    token = csrf_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"csrf_token": token, "username": "tzone", "password": "password123"})
    page = client.get("/profile").get_data(as_text=True)
    assert 'id="language-form"' in page and "<option selected>UTC</option>" in page
    r = client.post("/language", data={"csrf_token": csrf_from(page), "language": "zh_CN", "timezone": "Asia/Shanghai",
                                       "next": "/profile"})
    assert r.status_code == 302
    with app.app_context():
        saved = db.session.get(User, user.id)
        assert (saved.language, saved.timezone) == ("zh_CN", "Asia/Shanghai")
    assert "<option selected>Asia/Shanghai</option>" in client.get("/profile").get_data(as_text=True)
    r = client.post("/language", data={"csrf_token": csrf_from(page), "language": "zh_CN", "timezone": "Nowhere/City"})
    assert r.status_code == 302  # refused: back with the reason, in Chinese
    assert "未知的时区：Nowhere/City。" in client.get("/profile").get_data(as_text=True)


def test_times_are_shown_in_the_members_zone_and_locale(app):
    from datetime import datetime, timezone

    from flask_babel import force_locale

    from goldcoin.formats import money, when

    moment = datetime(2026, 12, 2, 1, 5, tzinfo=timezone.utc)
    with app.test_request_context("/"):
        app.config["GOLDCOIN_DEFAULT_TIMEZONE"] = "Asia/Shanghai"  # a member who chose none
        with force_locale("zh_CN"):
            assert when(moment) == "2026年12月2日 09:05" and money("22.00", "CNY") == "¥22.00"
        with force_locale("en"):
            assert money("22.00", "CNY") == "CNY\u00a022.00"
