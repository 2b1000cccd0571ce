"""Defect 3: a privilege or group reward names a code the app acts on, or it is
refused (API, admin form, JSON import, hand-granted entitlements)."""
import json

import pytest
from sqlalchemy import select

from goldcoin.extensions import db
from goldcoin.store.errors import InvalidReward
from goldcoin.store.models import Entitlement, Reward
from goldcoin.store.service import create_reward, import_rewards
from tests.admin.conftest import hidden_value


@pytest.mark.parametrize("kind, code", [("privilege", "fly"), ("group", "signals"), ("privilege", "Start_Bounty")])
def test_an_unknown_code_is_refused(app, kind, code):
    with app.app_context():
        with pytest.raises(InvalidReward, match=f"Unknown {kind}"):
            create_reward(db.session, {"name": "Thing", "cost": 5, "kind": kind, "code": code})
        with pytest.raises(InvalidReward):
            import_rewards(db.session, json.loads(json.dumps(
                {"rewards": [{"name": "Thing", "coins_required": 5, "kind": kind, "code": code}]})))
        db.session.rollback()


def test_known_codes_and_any_badge_name_are_kept(app):
    with app.app_context():
        for kind, code in [("privilege", "start_bounty"), ("privilege", "commercial_posting"), ("group", "vip"),
                           ("badge", "Night Owl")]:
            assert create_reward(db.session, {"name": f"{kind} {code}", "cost": 5, "kind": kind, "code": code}).code == code
        db.session.commit()


def test_the_admin_forms_refuse_an_unknown_code(app, admin_page, make_user):
    html = admin_page.get("/admin/rewards/new/").get_data(as_text=True)
    assert "commercial_posting or start_bounty" in html  # the form says which codes there are
    r = admin_page.post("/admin/rewards/new/", data={
        "csrf_token": hidden_value(html, "csrf_token"), "name": "Fly", "cost": "5", "kind": "privilege", "code": "fly",
        "sort_order": "0"})
    assert r.status_code == 200 and "Unknown privilege" in r.get_data(as_text=True)
    bob = make_user("bob")
    html = admin_page.get("/admin/entitlements/new/").get_data(as_text=True)
    r = admin_page.post("/admin/entitlements/new/", data={
        "csrf_token": hidden_value(html, "csrf_token"), "user_id": str(bob.id), "kind": "group", "code": "signals"})
    assert r.status_code == 200 and "Unknown group" in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Reward.id).where(Reward.name == "Fly")) is None
        assert db.session.scalar(select(Entitlement.id)) is None
