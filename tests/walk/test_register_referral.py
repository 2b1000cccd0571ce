"""The register page did not say who invited you. With a referral link
(/register?ref=<code>) it says "Invited by <username>" (in the visitor's
language); an unknown code gets a plain note, never a 500, and sign-up still
works (and credits nobody)."""
import re

from sqlalchemy import select

from goldcoin.auth.models import User
from goldcoin.earning.models import Referral
from goldcoin.earning.referrals import referral_code_for


def _code_of(session, user):
    code = referral_code_for(session, user.id)
    session.commit()  # and read nothing after it: on SQLite a read holds the lock the app needs
    return code


def _sign_up(client, url, username):
    page = client.get(url).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    data = {"csrf_token": csrf, "username": username, "email": f"{username}@example.com", "password": "long-pass-123"}
    hidden = re.search(r'name="referral_code" value="([^"]*)"', page)
    if hidden:
        data["referral_code"] = hidden.group(1)
    return client.post(url, data=data)


def _referrer_of(session, username):
    session.rollback()
    referee = session.scalar(select(User.id).where(User.username == username))
    referrer = session.scalar(select(Referral.referrer_id).where(Referral.referee_id == referee))
    session.rollback()
    return referrer


def test_a_referral_link_says_who_invited_you(app, session, make_user):
    alice = make_user("alice")
    code = _code_of(session, alice)
    client = app.test_client()
    html = client.get(f"/register?ref={code.upper()}").get_data(as_text=True)  # a code is read in any case
    assert re.search(r'id="invited-by">Invited by <a href="/u/alice">alice</a></p>', html)
    assert _sign_up(client, f"/register?ref={code}", "newbie").status_code == 302
    assert _referrer_of(session, "newbie") == alice.id


def test_in_chinese_too(app, session, make_user):
    alice = make_user("alice")
    code = _code_of(session, alice)
    html = app.test_client().get(f"/register?ref={code}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert re.search(r'id="invited-by">由 <a href="/u/alice">alice</a> 邀请</p>', html)


def test_an_unknown_code_gets_a_note_and_sign_up_still_works(app, session, make_user):
    make_user("alice")
    client = app.test_client()
    for ref in ("nosuchcode", "x" * 500, "<script>alert(1)</script>", "%00", " "):
        r = client.get("/register", query_string={"ref": ref})
        html = r.get_data(as_text=True)
        assert r.status_code == 200, ref
        assert 'id="invited-by"' not in html and "<script>alert" not in html
        if ref.strip():
            assert 'id="unknown-invite"' in html and "is not one we know" in html, ref
    r = _sign_up(client, "/register?ref=nosuchcode", "stranger")
    assert r.status_code == 302 and r.headers["Location"].endswith("/profile")
    assert _referrer_of(session, "stranger") is None
    # A refused form keeps the note (and the page) for the second try.
    other = app.test_client()
    html = _sign_up(other, "/register?ref=nosuchcode", "stranger").get_data(as_text=True)  # name taken
    assert 'id="unknown-invite"' in html


def test_the_login_page_refuses_in_the_visitors_language(app, make_user):
    """Beside the register page: its refusal was English on a Chinese page."""
    make_user("alice")
    client = app.test_client()
    page = client.get("/login", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = client.post("/login", data={"csrf_token": csrf, "username": "alice", "password": "wrong-password"},
                    headers={"Accept-Language": "zh-CN"})
    assert r.status_code == 401 and "用户名或密码错误。" in r.get_data(as_text=True)
