"""The JSON API of API.md: auth flows, CSRF, error format, isolation, admin."""
import pytest

from goldcoin.auth.service import create_token
from goldcoin.extensions import db
from goldcoin.ledger import MINT, system_account_id, transfer, wallet_id


def assert_error(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert body["error"] == code and body["message"], body


def test_register_logs_in_and_me_shows_a_zero_balance(api):
    api.fetch_csrf()
    r = api.post("/api/v1/auth/register", {"username": "newbie", "email": "newbie@example.com", "password": "s3cret-pass"})
    assert r.status_code == 201
    me = api.get("/api/v1/me").get_json()
    assert me["username"] == "newbie"
    assert (me["balance"], me["earned_total"], me["rank"], me["badges"]) == (0, 0, None, [])


def test_register_without_a_session_cookie_needs_no_csrf(client):
    r = client.post("/api/v1/auth/register", json={"username": "fresh", "email": "f@example.com", "password": "s3cret-pass"})
    assert r.status_code == 201


@pytest.mark.parametrize(
    "body, code",
    [
        ({"username": "x", "email": "x@example.com", "password": "s3cret-pass"}, "bad_request"),
        ({"username": "okname", "email": "not-an-email", "password": "s3cret-pass"}, "bad_request"),
        ({"username": "okname", "email": "o@example.com", "password": "short"}, "bad_request"),
        ({"username": 12, "email": "o@example.com", "password": "s3cret-pass"}, "bad_request"),
        ({"username": "taken", "email": "other@example.com", "password": "s3cret-pass"}, "conflict"),
    ],
)
def test_registration_errors(client, make_user, body, code):
    make_user("taken")
    r = client.post("/api/v1/auth/register", json=body)
    assert_error(r, 409 if code == "conflict" else 400, code)


def test_login_logout(api, make_user):
    make_user("alice")
    api.fetch_csrf()
    assert_error(api.post("/api/v1/auth/login", {"username": "alice", "password": "wrong-pass"}), 401, "unauthorized")
    login = api.post("/api/v1/auth/login", {"username": "alice", "password": "password123"})
    assert login.status_code == 200
    assert api.get("/api/v1/me").status_code == 200
    # Logging in replaced the session's CSRF token; the answer carries the new one.
    assert_error(api.post("/api/v1/auth/logout"), 400, "bad_request")
    api.csrf = login.get_json()["csrf_token"]
    assert api.post("/api/v1/auth/logout").status_code == 200
    assert_error(api.get("/api/v1/me"), 401, "unauthorized")


def test_a_banned_member_cannot_log_in(api, make_user, session):
    from goldcoin.auth.models import User

    user = make_user("mallory")
    session.get(User, user.id).is_banned = True
    session.commit()
    api.fetch_csrf()
    assert_error(api.post("/api/v1/auth/login", {"username": "mallory", "password": "password123"}), 403, "forbidden")


def test_unsafe_requests_with_a_session_need_the_csrf_header(api, make_user):
    make_user("alice")
    api.login("alice")
    r = api.client.post("/api/v1/auth/logout")  # no X-CSRFToken
    assert_error(r, 400, "bad_request")
    assert "CSRF" in r.get_json()["message"]
    r = api.client.post("/api/v1/auth/logout", headers={"X-CSRFToken": "forged"})
    assert_error(r, 400, "bad_request")


@pytest.mark.parametrize(
    "data, content_type",
    [
        ("{not json", "application/json"),
        ("[1, 2]", "application/json"),
        ('{"username": "a"}', "text/plain"),
        ("", "application/json"),
    ],
)
def test_malformed_bodies_are_a_clear_400(client, data, content_type):
    r = client.post("/api/v1/auth/login", data=data, content_type=content_type)
    assert_error(r, 400, "bad_request")


def test_unknown_paths_and_methods_use_the_error_format(client):
    assert_error(client.get("/api/v1/nope"), 404, "not_found")
    assert_error(client.delete("/api/v1/me"), 405, "method_not_allowed")


def test_transactions_are_paged_newest_first_with_signed_amounts(api, make_user, session):
    alice = make_user("alice", coins=100)
    mint = system_account_id(session, MINT)
    wallet = wallet_id(session, alice.id)
    for n in range(5):
        transfer(session, mint, wallet, n + 1, kind="earn.x", key=f"e{n}", memo=f"earn {n}")
    from goldcoin.ledger import SINK

    transfer(session, wallet, system_account_id(session, SINK), 30, kind="redeem", key="spend")
    session.commit()
    api.login("alice")

    page = api.get("/api/v1/me/transactions?limit=4").get_json()
    assert [i["amount"] for i in page["items"]] == [-30, 5, 4, 3]
    assert page["items"][0]["kind"] == "redeem"
    rest = api.get(f"/api/v1/me/transactions?limit=4&before={page['next_before']}").get_json()
    assert [i["amount"] for i in rest["items"]] == [2, 1, 100]
    assert rest["next_before"] is None
    assert_error(api.get("/api/v1/me/transactions?limit=abc"), 400, "bad_request")
    assert_error(api.get("/api/v1/me/transactions?limit=0"), 400, "bad_request")


def test_one_member_never_sees_another_members_transactions(make_api, make_user):
    make_user("alice", coins=11)
    make_user("bob", coins=22)
    items = make_api("bob").get("/api/v1/me/transactions").get_json()["items"]
    assert [i["amount"] for i in items] == [22]


@pytest.fixture
def admin_token(app, make_user):
    admin = make_user("root", role="admin")
    with app.app_context():
        _, plaintext = create_token(db.session, "ops", "admin", created_by_id=admin.id)
        db.session.commit()
    return plaintext


def test_admin_adjustment_with_a_token_is_idempotent_by_key(client, make_user, admin_token):
    bob = make_user("bob")
    headers = {"Authorization": f"Bearer {admin_token}"}
    body = {"user_id": bob.id, "amount": 40, "reason": "contest prize", "key": "contest-7"}
    first = client.post("/api/v1/admin/adjustments", json=body, headers=headers)
    again = client.post("/api/v1/admin/adjustments", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.get_json()["transfer_id"] == again.get_json()["transfer_id"]
    assert again.get_json()["balance"] == 40

    take = client.post("/api/v1/admin/adjustments", json={"user_id": bob.id, "amount": -50, "reason": "x"}, headers=headers)
    assert_error(take, 409, "insufficient_funds")
    other = dict(body, amount=41)
    assert_error(client.post("/api/v1/admin/adjustments", json=other, headers=headers), 409, "conflict")


@pytest.mark.parametrize(
    "body",
    [
        {"user_id": 1, "amount": 0, "reason": "x"},
        {"user_id": 1, "amount": "5", "reason": "x"},
        {"user_id": 1, "amount": 1.5, "reason": "x"},
        {"user_id": 1, "amount": True, "reason": "x"},
        {"user_id": 1, "amount": 5},
        {"user_id": 1, "amount": 5, "reason": "   "},
        {"user_id": "1", "amount": 5, "reason": "x"},
    ],
)
def test_admin_adjustment_bad_input(client, admin_token, body):
    r = client.post("/api/v1/admin/adjustments", json=body, headers={"Authorization": f"Bearer {admin_token}"})
    assert_error(r, 400, "bad_request")


def test_admin_endpoints_refuse_members_and_other_tokens(app, make_api, make_user, client):
    make_user("alice")
    member = make_api("alice")
    body = {"user_id": 1, "amount": 5, "reason": "x"}
    assert_error(member.post("/api/v1/admin/adjustments", body), 403, "forbidden")
    assert_error(client.post("/api/v1/admin/adjustments", json=body), 401, "unauthorized")
    with app.app_context():
        _, events_token = create_token(db.session, "forum", "events")
        db.session.commit()
    r = client.post("/api/v1/admin/adjustments", json=body, headers={"Authorization": f"Bearer {events_token}"})
    assert_error(r, 403, "forbidden")
    r = client.post("/api/v1/admin/adjustments", json=body, headers={"Authorization": "Bearer gc_unknown"})
    assert_error(r, 401, "unauthorized")


def test_admin_session_adjusts_and_reverses(make_api, make_user, session):
    make_user("boss", role="admin")
    bob = make_user("bob")
    boss = make_api("boss")
    r = boss.post("/api/v1/admin/adjustments", {"user_id": bob.id, "amount": 15, "reason": "bug bounty"})
    assert r.status_code == 201
    transfer_id = r.get_json()["transfer_id"]

    r = boss.post(f"/api/v1/admin/transfers/{transfer_id}/reverse", {"reason": "paid twice"})
    assert r.status_code == 201
    reversal = r.get_json()
    assert reversal["reverses_id"] == transfer_id and reversal["amount"] == 15 and reversal["memo"] == "paid twice"
    assert make_api("bob").get("/api/v1/me").get_json()["balance"] == 0
    assert_error(boss.post("/api/v1/admin/transfers/9999/reverse", {"reason": "x"}), 404, "not_found")
    assert_error(boss.post(f"/api/v1/admin/transfers/{transfer_id}/reverse", {}), 400, "bad_request")


def test_a_revoked_token_is_refused(app, client, admin_token, make_user):
    from goldcoin.auth.service import revoke_token, token_for

    with app.app_context():
        token = token_for(db.session, admin_token)
        revoke_token(db.session, token.id)
        db.session.commit()
    r = client.post("/api/v1/admin/adjustments", json={}, headers={"Authorization": f"Bearer {admin_token}"})
    assert_error(r, 401, "unauthorized")
