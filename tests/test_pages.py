"""Member pages: register, log in, profile widget, history, log out."""
import re

from goldcoin.ledger import MINT, system_account_id, transfer, wallet_id


def csrf_from(html):
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def register(client, username="trader", password="s3cret-pass"):
    token = csrf_from(client.get("/register").get_data(as_text=True))
    return client.post(
        "/register",
        data={"csrf_token": token, "username": username, "email": f"{username}@example.com", "password": password},
    )


def test_register_shows_the_profile_widget_with_zero_coins(client):
    r = register(client)
    assert r.status_code == 302 and r.headers["Location"].endswith("/profile")
    html = client.get("/profile").get_data(as_text=True)
    assert '<span id="coins-count">0</span>' in html
    assert 'id="leaderboard"' in html and "Redeem Coins" in html
    assert 'id="header-balance">0<' in html


def test_forms_without_a_csrf_token_are_refused(client):
    r = client.post("/register", data={"username": "x1234", "email": "x@example.com", "password": "s3cret-pass"})
    assert r.status_code == 400


def test_login_redirects_to_next_but_never_off_site(client, make_user):
    make_user("alice")
    token = csrf_from(client.get("/login").get_data(as_text=True))
    credentials = {"csrf_token": token, "username": "alice", "password": "password123"}
    r = client.post("/login?next=//evil.example/steal", data=credentials)
    assert r.headers["Location"] == "/profile"
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/profile").get_data(as_text=True))})
    token = csrf_from(client.get("/login").get_data(as_text=True))
    r = client.post("/login?next=/history", data={"csrf_token": token, "username": "alice", "password": "password123"})
    assert r.headers["Location"] == "/history"


def test_wrong_password_shows_an_error(client, make_user):
    make_user("alice")
    token = csrf_from(client.get("/login").get_data(as_text=True))
    r = client.post("/login", data={"csrf_token": token, "username": "alice", "password": "nope-nope"})
    assert r.status_code == 401 and "Wrong username or password" in r.get_data(as_text=True)


def test_profile_and_history_need_a_login(client):
    for path in ("/profile", "/history"):
        r = client.get(path)
        assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_history_lists_the_members_transfers_and_escapes_memos(client, make_user, session):
    alice = make_user("alice")
    transfer(
        session,
        system_account_id(session, MINT),
        wallet_id(session, alice.id),
        10,
        kind="earn.post_quality",
        key="k",
        memo="<script>alert(1)</script>",
    )
    session.commit()
    register(client, "viewer")  # someone else first: must not see alice's history
    assert "alert(1)" not in client.get("/history").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/profile").get_data(as_text=True))})
    token = csrf_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"csrf_token": token, "username": "alice", "password": "password123"})
    html = client.get("/history").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert "+10" in html


def test_public_profile_and_unknown_member(client, make_user):
    make_user("alice", coins=5)
    assert '<span id="coins-count">5</span>' in client.get("/u/alice").get_data(as_text=True)
    assert client.get("/u/nobody").status_code == 404


def test_logout_takes_a_post(client):
    register(client)
    assert client.get("/logout").status_code == 200  # a confirmation page, still logged in
    assert client.get("/profile").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/profile").get_data(as_text=True))})
    assert client.get("/profile").status_code == 302


def test_health_probes(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    r = client.get("/readyz")
    assert r.status_code == 200 and r.get_json()["checks"]["database"] == "ok"
