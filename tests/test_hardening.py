"""Headers that protect every page, input no view is handed, and rate limits
that survive a Redis outage."""
import socket

import pytest

from goldcoin import create_app
from goldcoin.auth.service import create_token
from goldcoin.extensions import db


def _closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


def test_member_pages_carry_a_strict_policy_and_no_framing(client):
    for path in ("/", "/login", "/store", "/leaderboard"):
        headers = client.get(path).headers
        policy = headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in policy
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "Strict-Transport-Security" not in headers  # not outside production


def test_admin_cannot_be_framed_and_its_actions_still_run(make_user, make_api):
    make_user("boss", role="admin")
    response = make_api("boss").get("/admin/rewards/")
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and response.headers["X-Frame-Options"] == "DENY"
    # Flask-Admin's bulk actions and delete confirmations are inline handlers.
    assert "onclick=" in response.get_data(as_text=True)
    assert "script-src 'self' 'unsafe-inline'" in policy


def test_production_adds_hsts(app_config):
    config = dict(app_config, ENV_NAME="production", SECRET_KEY="x" * 40, SESSION_COOKIE_SECURE=True)
    app = create_app(config)
    response = app.test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.parametrize("path", ["/community/t/100000000000000000000000", "/community/eas/9223372036854775808"])
def test_ids_beyond_64_bits_are_a_400_page(client, path):
    assert client.get(path).status_code == 400


def test_ids_beyond_64_bits_are_a_400_in_the_api(make_user, make_api):
    make_user("alice")
    r = make_api("alice").get("/api/v1/recharge/orders/100000000000000000000000")
    assert r.status_code == 400 and r.get_json()["error"] == "bad_request"


@pytest.mark.parametrize("path", ["/u/%00", "/leaderboard?period=all%00", "/store?x%00=1"])
def test_nul_in_path_or_query_is_a_400(client, path):
    r = client.get(path)
    assert r.status_code == 400


def test_nul_in_a_form_is_a_400_and_creates_nothing(api, session):
    from goldcoin.auth.models import User

    api.fetch_csrf()
    r = api.client.post("/register", data={"username": "eve\x00", "email": "eve@example.com",
                                           "password": "password123"}, headers={"X-CSRFToken": api.csrf})
    assert r.status_code == 400
    assert session.query(User).count() == 0
    session.rollback()


def test_nul_in_an_api_query_answers_the_error_shape(client):
    r = client.get("/api/v1/leaderboard?period=%00")
    assert r.status_code == 400 and r.get_json()["error"] == "bad_request"


def test_login_register_and_events_work_while_redis_is_down(app_config, make_user):
    """Rate limits on, their Redis unreachable: limits fall back to memory."""
    down = f"redis://127.0.0.1:{_closed_port()}/0"
    app = create_app(dict(app_config, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=down))
    make_user("alice")
    client = app.test_client()
    r = client.post("/api/v1/auth/login", json={"username": "alice", "password": "wrong-password"})
    assert r.status_code == 401 and r.get_json()["error"] == "unauthorized"
    assert client.post("/api/v1/auth/login", json={"username": "alice", "password": "password123"}).status_code == 200
    r = app.test_client().post("/api/v1/auth/register",
                               json={"username": "bob", "email": "bob@example.com", "password": "password123"})
    assert r.status_code == 201
    with app.app_context():
        _, token = create_token(db.session, "forum", "events")
        db.session.commit()
    r = client.post("/api/v1/events", headers={"Authorization": f"Bearer {token}"}, json={
        "id": "evt-1", "type": "ea.verified", "user": {"external_id": "u1", "username": "carol"}, "object_id": "ea-1"})
    assert r.status_code == 202 and r.get_json()["awarded"] > 0
    # Still limiting, per process: the eleventh login in a minute is refused.
    stranger = app.test_client()
    codes = [stranger.post("/api/v1/auth/login", json={"username": "alice", "password": "x"}).status_code
             for _ in range(12)]
    assert 429 in codes and 500 not in codes


def test_database_down_answers_503_with_retry_after(app_config):
    """PostgreSQL unreachable: the API says 503 `unavailable` (retry), pages a
    plain 503 page; nothing answers 500."""
    down = f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/nowhere?connect_timeout=2"
    app = create_app(dict(app_config, SQLALCHEMY_DATABASE_URI=down))
    client = app.test_client()
    r = client.get("/api/v1/leaderboard")
    assert r.status_code == 503 and r.get_json()["error"] == "unavailable"
    assert r.headers["Retry-After"].isdigit()
    r = client.post("/api/v1/auth/login", json={"username": "alice", "password": "password123"})
    assert r.status_code == 503 and r.get_json()["error"] == "unavailable"
    page = client.get("/leaderboard")
    assert page.status_code == 503 and "briefly unavailable" in page.get_data(as_text=True)
