"""Logging out ends every credential of that login: the session cookie and the
remember-me cookie, wherever they were copied."""
import re

from goldcoin.auth.models import MemberSession


def _login_page(client, username, remember=False):
    html = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    data = {"username": username, "password": "password123", "csrf_token": csrf}
    if remember:
        data["remember"] = "1"
    r = client.post("/login", data=data)
    assert r.status_code == 302, r.get_data(as_text=True)
    return csrf


def _cookie(client, name):
    cookie = client.get_cookie(name)
    return cookie.value if cookie else None


def _logout(client, everywhere=False):
    html = client.get("/logout").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    data = {"csrf_token": csrf, **({"everywhere": "1"} if everywhere else {})}
    assert client.post("/logout", data=data).status_code == 302


def test_a_session_cookie_copied_before_logout_is_dead_after_it(app, make_user):
    make_user("alice", coins=100)
    browser = app.test_client()
    _login_page(browser, "alice")
    stolen = app.test_client()
    stolen.set_cookie("session", _cookie(browser, "session"))
    assert stolen.get("/api/v1/me").status_code == 200
    _logout(browser)
    assert stolen.get("/api/v1/me").status_code == 401
    assert browser.get("/api/v1/me").status_code == 401


def test_the_remember_cookie_is_per_login_protected_and_ends_with_logout(app, make_user):
    make_user("alice")
    first, second = app.test_client(), app.test_client()
    _login_page(first, "alice", remember=True)
    _login_page(second, "alice", remember=True)
    remember_1, remember_2 = _cookie(first, "remember_token"), _cookie(second, "remember_token")
    assert remember_1 and remember_2 and remember_1 != remember_2  # not the same value on every login
    header = first.get("/api/v1/me").headers  # nothing set here; check the login response's attributes instead
    assert header is not None
    only_remembered = app.test_client()
    only_remembered.set_cookie("remember_token", remember_1)
    assert only_remembered.get("/api/v1/me").status_code == 200
    _logout(first)
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remember_1)
    assert fresh.get("/api/v1/me").status_code == 401
    # The other device's login is a different session and still works.
    assert second.get("/api/v1/me").status_code == 200


def test_remember_cookie_attributes(app, make_user):
    make_user("alice")
    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    r = client.post("/login", data={"username": "alice", "password": "password123", "csrf_token": csrf,
                                    "remember": "1"})
    [remember] = [h for h in r.headers.getlist("Set-Cookie") if h.startswith("remember_token=")]
    assert "HttpOnly" in remember and "SameSite=Lax" in remember


def test_log_out_everywhere_ends_every_login(app, make_user, session):
    make_user("alice")
    phone, laptop = app.test_client(), app.test_client()
    _login_page(phone, "alice")
    _login_page(laptop, "alice", remember=True)
    _logout(phone, everywhere=True)
    assert laptop.get("/api/v1/me").status_code == 401
    session.expire_all()
    assert session.query(MemberSession).filter(MemberSession.ended_at.is_(None)).count() == 0
    session.rollback()


def test_a_csrf_token_from_before_login_is_refused_after_it(app, make_user):
    make_user("alice")
    client = app.test_client()
    before = _login_page(client, "alice")
    r = client.post("/api/v1/me/notifications/read", json={}, headers={"X-CSRFToken": before})
    assert r.status_code == 400 and r.get_json()["error"] == "bad_request"
    fresh = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
    assert client.post("/api/v1/me/notifications/read", json={}, headers={"X-CSRFToken": fresh}).status_code == 200


def test_api_logout_ends_the_session_too(app, make_user, make_api):
    make_user("alice")
    api = make_api("alice")
    stolen = app.test_client()
    stolen.set_cookie("session", _cookie(api.client, "session"))
    assert stolen.get("/api/v1/me").status_code == 200
    assert api.post("/api/v1/auth/logout").status_code == 200
    assert stolen.get("/api/v1/me").status_code == 401


def test_pages_loaded_at_once_after_login_share_one_csrf_token(app, make_user):
    """The browser loads a page and its favicon's error page at once after login,
    both with the cookie the login answered. A token rendered by one must still
    be accepted once the other's cookie has replaced it (the admin's first form
    was refused with "The CSRF tokens do not match" when each made its own)."""
    make_user("alice")
    client = app.test_client()
    _login_page(client, "alice")
    after_login = _cookie(client, "session")
    html = client.get("/logout").get_data(as_text=True)
    form_token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    client.set_cookie("session", after_login)  # the second page left with the same cookie ...
    client.get("/no-such-page")  # ... and its answer, an error page with a token, wrote the cookie last
    assert client.post("/logout", data={"csrf_token": form_token}).status_code == 302
