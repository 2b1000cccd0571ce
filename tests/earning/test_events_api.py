"""POST /api/v1/events: the forum integration of API.md."""
import pytest
from sqlalchemy import select

from goldcoin.auth.service import create_token
from goldcoin.earning.models import ExternalMember
from goldcoin.extensions import db
from goldcoin.ledger import balance_of, wallet_id


def post(client, token, body):
    return client.post("/api/v1/events", json=body, headers={"Authorization": f"Bearer {token}"})


def event(event_id, type_, external_id="f-1", **extra):
    return {"id": event_id, "type": type_, "user": {"external_id": external_id, "username": "forum alice"},
            "object_id": "p-1", **extra}


def member_balance(session, external_id):
    session.expire_all()
    user_id = session.scalar(select(ExternalMember.user_id).where(ExternalMember.external_id == external_id))
    return balance_of(session, wallet_id(session, user_id))


def test_same_event_id_twice_pays_once(client, session, token):
    first = post(client, token, event("e-1", "solution.accepted"))
    second = post(client, token, event("e-1", "solution.accepted"))
    assert first.status_code == 202 and first.get_json() == {"event_id": "e-1", "awarded": 20, "replayed": False}
    assert second.status_code == 202 and second.get_json() == {"event_id": "e-1", "awarded": 20, "replayed": True}
    assert member_balance(session, "f-1") == 20


def test_member_created_on_first_sight_without_password(client, session, token):
    post(client, token, event("e-2", "ea.verified"))
    from goldcoin.auth.models import User

    user_id = session.scalar(select(ExternalMember.user_id).where(ExternalMember.external_id == "f-1"))
    user = session.get(User, user_id)
    assert user.password_hash is None and user.username == "forum_alice"
    assert member_balance(session, "f-1") == 50


def test_upvotes_pay_at_the_threshold_once(client, session, token):
    assert post(client, token, event("u-4", "post.upvoted", upvotes=4)).get_json()["awarded"] == 0
    assert post(client, token, event("u-5", "post.upvoted", upvotes=5)).get_json()["awarded"] == 10
    assert post(client, token, event("u-6", "post.upvoted", upvotes=6)).get_json()["awarded"] == 0
    assert member_balance(session, "f-1") == 10


def test_other_types(client, session, token):
    assert post(client, token, event("b-1", "bounty.awarded", amount=75)).get_json()["awarded"] == 75
    assert post(client, token, event("c-1", "challenge.won", amount=200)).get_json()["awarded"] == 200
    assert post(client, token, event("r-1", "member.referred")).get_json()["awarded"] == 25
    assert member_balance(session, "f-1") == 300


@pytest.mark.parametrize("body, fragment", [
    ({"type": "ea.verified", "user": {"external_id": "x", "username": "x"}, "object_id": "1"}, "'id'"),
    ({"id": "1", "type": "nope", "user": {"external_id": "x", "username": "x"}, "object_id": "1"}, "'type'"),
    ({"id": "1", "type": "ea.verified", "user": "x", "object_id": "1"}, "'user'"),
    ({"id": "1", "type": "post.upvoted", "user": {"external_id": "x", "username": "x"}, "object_id": "1"}, "'upvotes'"),
    ({"id": "1", "type": "post.upvoted", "user": {"external_id": "x", "username": "x"}, "object_id": "1",
      "upvotes": "5"}, "'upvotes'"),
    ({"id": "1", "type": "bounty.awarded", "user": {"external_id": "x", "username": "x"}, "object_id": "1",
      "amount": -3}, "'amount'"),
    ([1, 2], "object"),
])
def test_malformed_events_are_a_clear_400(client, token, body, fragment):
    response = post(client, token, body)
    assert response.status_code == 400
    assert response.get_json()["error"] == "bad_request"
    assert fragment in response.get_json()["message"]


def test_needs_an_events_token(client, app):
    assert client.post("/api/v1/events", json=event("z", "ea.verified")).status_code == 401
    with app.app_context():
        _, admin_token = create_token(db.session, "ops", "admin")
        db.session.commit()
    response = post(client, admin_token, event("z", "ea.verified"))
    assert response.status_code == 403 and response.get_json()["error"] == "forbidden"


def test_events_get_campaign_boost(client, session, token):
    from datetime import timedelta
    from decimal import Decimal

    from goldcoin.earning.models import BoosterCampaign
    from goldcoin.ledger.models import utcnow

    session.add(BoosterCampaign(name="x2", multiplier=Decimal(2), rules="ea_verified",
                                starts_at=utcnow() - timedelta(hours=1), ends_at=utcnow() + timedelta(hours=1)))
    session.commit()
    assert post(client, token, event("boost-1", "ea.verified")).get_json()["awarded"] == 100
