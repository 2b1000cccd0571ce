"""Every adjustment and reversal leaves its audit entry, whichever door it came
through: the admin site, the admin API or the CLI."""
from sqlalchemy import select

from goldcoin.auth.service import create_token
from goldcoin.core.audit import AdminAction
from goldcoin.extensions import db


def _entries(session, action):
    session.expire_all()
    rows = session.scalars(select(AdminAction).where(AdminAction.action == action).order_by(AdminAction.id)).all()
    session.rollback()
    return rows


def test_api_adjustment_and_reversal_are_audited_once(app, client, make_user, session):
    boss = make_user("boss", role="admin")
    bob = make_user("bob")
    with app.app_context():
        _, token = create_token(db.session, "ops", "admin", created_by_id=boss.id)
        db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    body = {"user_id": bob.id, "amount": 30, "reason": "meetup prize", "key": "meetup-1"}
    first = client.post("/api/v1/admin/adjustments", json=body, headers=headers)
    replay = client.post("/api/v1/admin/adjustments", json=body, headers=headers)
    assert first.status_code == replay.status_code == 201
    transfer_id = first.get_json()["transfer_id"]

    [entry] = _entries(session, "ledger.adjust")  # the replay moved nothing and records nothing
    assert entry.actor_id == boss.id and entry.target == f"user:{bob.id}"
    assert entry.details["amount"] == 30 and entry.details["via"] == "api"
    assert entry.details["transfer_id"] == transfer_id

    r = client.post(f"/api/v1/admin/transfers/{transfer_id}/reverse", json={"reason": "wrong member"}, headers=headers)
    assert r.status_code == 201
    [reversal] = _entries(session, "ledger.reverse")
    assert reversal.target == f"transfer:{transfer_id}" and reversal.details["reason"] == "wrong member"
    assert reversal.details["reversal_id"] == r.get_json()["id"]


def test_refused_api_adjustment_writes_no_entry(app, client, make_user, session):
    boss = make_user("boss", role="admin")
    bob = make_user("bob")
    with app.app_context():
        _, token = create_token(db.session, "ops", "admin", created_by_id=boss.id)
        db.session.commit()
    r = client.post("/api/v1/admin/adjustments", json={"user_id": bob.id, "amount": -5, "reason": "x"},
                    headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 409
    assert _entries(session, "ledger.adjust") == []


def test_cli_adjustment_is_audited(runner, make_user, session):
    bob = make_user("bob")
    result = runner.invoke(args=["goldcoin", "adjust", "bob", "12", "--reason", "forum migration", "--key", "mig-1"])
    assert result.exit_code == 0, result.output
    [entry] = _entries(session, "ledger.adjust")
    assert entry.target == f"user:{bob.id}" and entry.details["via"] == "cli" and entry.details["amount"] == 12

    refused = runner.invoke(args=["goldcoin", "adjust", "--reason", "oops", "--", "bob", "-100"])
    assert refused.exit_code == 1 and "Not enough coins" in refused.output
    assert len(_entries(session, "ledger.adjust")) == 1
