"""/login/discourse: DiscourseConnect with the forum as identity provider.
The forum's side is played here with its own payload format
(lib/discourse_connect_base.rb: sso = base64 of a query, sig = hex HMAC-SHA256)."""
import base64
from datetime import timedelta
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

import pytest
from sqlalchemy import update

from goldcoin.auth.models import User
from goldcoin.core.time import utcnow
from goldcoin.discourse.connect import safe_return_path
from goldcoin.discourse.models import ConnectNonce
from goldcoin.discourse.signature import connect_payload, hex_hmac
from goldcoin.extensions import db
from tests.discourse.forum import CONNECT_SECRET, FORUM, post


def start(client, next_path=None):
    """The member clicks "Sign in with the forum"; returns what we sent the forum."""
    query = f"?{urlencode({'next': next_path})}" if next_path else ""
    response = client.get("/login/discourse" + query)
    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{FORUM}/session/sso_provider"
    args = {k: v[0] for k, v in parse_qs(target.query).items()}
    assert args["sig"] == hex_hmac(CONNECT_SECRET, args["sso"])
    return dict(parse_qsl(base64.b64decode(args["sso"]).decode()))


def forum_answer(sent, *, user_id=4242, username="forum_alice", secret=CONNECT_SECRET, **extra):
    """What Discourse's sso_provider sends back (populate_user_data): the request's
    fields plus the signed-in account."""
    fields = {**sent, "name": "Alice Forum", "username": username, "email": f"{username}@example.com",
              "external_id": str(user_id), "admin": "false", "moderator": "false", "groups": "trust_level_1",
              **extra}
    sso, sig = connect_payload(secret, fields)
    return "/login/discourse?" + urlencode({"sso": sso, "sig": sig})


def me(client):
    response = client.get("/api/v1/me")
    return response.get_json() if response.status_code == 200 else None


def test_signing_in_with_the_forum_creates_the_member_and_returns_to_the_page(client, books, session):
    sent = start(client, "/store")
    assert sent["return_sso_url"] == "http://127.0.0.1:5000/login/discourse" and len(sent["nonce"]) >= 32
    response = client.get(forum_answer(sent))
    assert response.status_code == 302 and response.headers["Location"] == "/store"
    assert me(client)["username"] == "forum_alice"
    member = session.get(User, books.user_id(4242))
    assert member.email == "forum_alice@example.com" and member.password_hash is None
    assert member.role == "member"  # forum flags never become Gold Coin roles


def test_the_forum_member_who_earned_by_webhook_signs_into_the_same_wallet(client, forum, books):
    forum.accepted(post(701, 4242, "forum_alice", topic_id=70))
    client.get(forum_answer(start(client)))
    assert me(client)["balance"] == 20 and me(client)["id"] == books.user_id(4242)


def test_the_nonce_is_checked_once(app, client, session):
    sent = start(client)
    callback = forum_answer(sent)
    assert client.get(callback).status_code == 302
    client.post("/logout", data={"csrf_token": client.get("/api/v1/auth/csrf").get_json()["csrf_token"]})
    # Replayed by the same browser: the browser's nonce was spent with the first answer.
    assert client.get(callback).status_code == 403 and me(client) is None
    # Even with the nonce planted back in the session, the stored one is used up.
    with client.session_transaction() as browser:
        browser["discourse_connect_nonce"] = sent["nonce"]
    response = client.get(callback)
    assert response.status_code == 403 and "used already" in response.get_data(as_text=True)


def test_an_answer_for_another_browsers_sign_in_is_refused(app, client):
    victim = app.test_client()
    start(victim)
    attacker_sent = start(client)
    # The attacker makes the victim's browser open the attacker's signed answer (login CSRF).
    response = victim.get(forum_answer(attacker_sent))
    assert response.status_code == 403 and me(victim) is None


def test_a_stale_nonce_is_refused(app, client):
    sent = start(client)
    with app.app_context():
        db.session.execute(update(ConnectNonce).values(created_at=utcnow() - timedelta(minutes=11)))
        db.session.commit()
    response = client.get(forum_answer(sent))
    assert response.status_code == 403 and "too long" in response.get_data(as_text=True)


@pytest.mark.parametrize("tamper", ["secret", "payload", "missing"])
def test_a_forged_answer_is_refused(client, tamper):
    sent = start(client)
    if tamper == "secret":
        url = forum_answer(sent, secret="a-guess-at-the-secret")
    elif tamper == "payload":
        sso, sig = connect_payload(CONNECT_SECRET, {**sent, "external_id": "1", "username": "victim"})
        forged, _ = connect_payload(CONNECT_SECRET, {**sent, "external_id": "2", "username": "admin"})
        url = "/login/discourse?" + urlencode({"sso": forged, "sig": sig})
    else:
        url = "/login/discourse?sig=abc"
    assert client.get(url).status_code == 403 and me(client) is None


def test_a_failed_or_incomplete_answer_is_refused(client):
    assert client.get(forum_answer(start(client), failed="true")).status_code == 403
    assert client.get(forum_answer(start(client), user_id="not-a-number")).status_code == 403
    assert me(client) is None


def test_a_banned_member_cannot_sign_in_with_the_forum(app, client, books):
    client.get(forum_answer(start(client)))
    client.post("/logout", data={"csrf_token": client.get("/api/v1/auth/csrf").get_json()["csrf_token"]})
    with app.app_context():
        db.session.get(User, books.user_id(4242)).is_banned = True
        db.session.commit()
    assert client.get(forum_answer(start(client))).status_code == 403 and me(client) is None


def test_a_forum_address_already_used_here_is_not_taken_over(client, make_user, books, session):
    local = make_user("alice_local", email="forum_alice@example.com")
    client.get(forum_answer(start(client)))
    forum_member = session.get(User, books.user_id(4242))
    assert forum_member.id != local.id and forum_member.email is None


@pytest.mark.parametrize("target, expected", [
    ("/store?tab=titles", "/store?tab=titles"), ("https://evil.example.com/", "/profile"),
    ("//evil.example.com", "/profile"), ("/\\evil.example.com", "/profile"), ("store", "/profile"),
    ("/login/discourse?sso=x", "/profile"), (None, "/profile"),
])
def test_only_paths_of_this_site_are_returned_to(target, expected):
    assert safe_return_path(target) == expected


def test_local_accounts_keep_working_and_the_login_page_offers_the_forum(client, make_user):
    make_user("localbob")
    page = client.get("/login").get_data(as_text=True)
    assert 'id="discourse-sign-in"' in page and "Sign in with the forum" in page
    token = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
    response = client.post("/login", data={"username": "localbob", "password": "password123", "csrf_token": token})
    assert response.status_code == 302 and me(client)["username"] == "localbob"


def test_without_a_connect_secret_there_is_no_forum_sign_in(app, client):
    app.config["DISCOURSE_CONNECT_SECRET"] = ""
    assert client.get("/login/discourse").status_code == 404
    assert "discourse-sign-in" not in client.get("/login").get_data(as_text=True)
