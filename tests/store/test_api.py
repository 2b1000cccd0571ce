"""The store's JSON API: API.md paths, fields and error codes."""
from goldcoin.auth.service import create_token
from goldcoin.extensions import db


def test_rewards_list_shape(api, make_reward):
    make_reward("Premium EA Access", cost=100, stock=2, sort_order=1)
    make_reward("Hidden", cost=5, active=False)
    r = api.get("/api/v1/rewards")
    assert r.status_code == 200
    [item] = r.get_json()
    assert {k: item[k] for k in ("name", "cost", "kind", "stock", "available")} == {
        "name": "Premium EA Access", "cost": 100, "kind": "content_access", "stock": 2, "available": True}
    assert set(item) >= {"id", "name", "description", "cost", "kind", "stock", "available"}


def test_redeem_answers_201_and_the_same_key_charges_once(make_api, make_user, make_reward):
    make_user("alice", coins=250)
    reward = make_reward(cost=100)
    alice = make_api("alice")
    r = alice.post(f"/api/v1/rewards/{reward}/redeem", headers={"Idempotency-Key": "abc-1"})
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert (body["reward_id"], body["cost"], body["balance"]) == (reward, 100, 150)
    again = alice.post(f"/api/v1/rewards/{reward}/redeem", headers={"Idempotency-Key": "abc-1"})
    assert again.status_code == 201
    assert again.get_json()["redemption_id"] == body["redemption_id"] and again.get_json()["balance"] == 150
    assert alice.get("/api/v1/me").get_json()["balance"] == 150


def test_redeem_error_codes(make_api, make_user, make_reward):
    make_user("bob", coins=100)
    poor = make_reward(cost=500)
    sold_out = make_reward(cost=1, stock=0)
    limited = make_reward(cost=1, kind="badge", code="Once", per_user_limit=1)
    inactive = make_reward(cost=1, active=False)
    bob = make_api("bob")

    def code(reward_id, key=None):
        r = bob.post(f"/api/v1/rewards/{reward_id}/redeem", headers={"Idempotency-Key": key} if key else {})
        return r.status_code, r.get_json().get("error")

    assert code(poor) == (409, "insufficient_funds")
    assert code(sold_out) == (409, "out_of_stock")
    assert code(limited)[0] == 201
    assert code(limited) == (409, "limit_reached")
    assert code(inactive) == (404, "not_found")
    assert code(987654) == (404, "not_found")
    assert code(poor, "bad key with spaces") == (400, "bad_request")
    assert code(limited, "k1")[1] == "limit_reached"
    assert bob.get("/api/v1/me").get_json()["balance"] == 99


def test_redeem_needs_a_login_and_csrf(client, make_api, make_user, make_reward):
    reward = make_reward(cost=1)
    r = client.post(f"/api/v1/rewards/{reward}/redeem")
    assert r.status_code == 401 and r.get_json()["error"] == "unauthorized"
    make_user("carol", coins=10)
    carol = make_api("carol")
    r = carol.client.post(f"/api/v1/rewards/{reward}/redeem")  # cookie but no X-CSRFToken
    assert r.status_code == 400


def test_admin_creates_and_imports_rewards(app, make_api, make_user, client):
    make_user("root", role="admin")
    make_user("member")
    admin = make_api("root")
    r = admin.post("/api/v1/admin/rewards", {"name": "Elite badge", "cost": 70, "kind": "badge", "code": "Elite",
                                             "stock": 3, "per_user_limit": 1, "duration_days": 10})
    assert r.status_code == 201, r.get_json()
    created = r.get_json()
    assert created["id"] and created["cost"] == 70 and created["kind"] == "badge"
    assert any(x["name"] == "Elite badge" for x in client.get("/api/v1/rewards").get_json())

    for bad in ({"name": "x", "cost": 0, "kind": "badge", "code": "a"}, {"name": "x", "cost": 5, "kind": "spell"},
                {"name": "x", "cost": "5", "kind": "title"}, {"name": "x", "cost": 5, "kind": "badge"},
                {"name": "x", "cost": 5, "kind": "booster"}):
        r = admin.post("/api/v1/admin/rewards", bad)
        assert r.status_code == 400 and r.get_json()["error"] == "bad_request", bad

    r = admin.post("/api/v1/admin/rewards", {"rewards": [
        {"id": 1, "name": "Premium EA Access", "coins_required": 100, "description": "Unlock access to exclusive EAs.",
         "kind": "content_access"},
        {"id": 77, "name": "Elite badge", "coins_required": 75, "kind": "badge", "code": "Elite"},
    ]})
    assert r.get_json() == {"created": 1, "updated": 1}
    exported = {x["slug"]: x for x in admin.get("/api/v1/admin/rewards").get_json()["rewards"]}
    assert exported["elite-badge"]["coins_required"] == 75 and exported["elite-badge"]["id"] == created["id"]
    assert exported["premium-ea-access"]["description"] == "Unlock access to exclusive EAs."

    member = make_api("member")
    assert member.post("/api/v1/admin/rewards", {"name": "x", "cost": 1, "kind": "title"}).status_code == 403
    with app.app_context():
        _, token = create_token(db.session, "ops", "admin")
        db.session.commit()
    r = client.post("/api/v1/admin/rewards", json={"name": "Token title", "cost": 9, "kind": "title"},
                    headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 201


def test_a_group_reward_without_a_code_is_the_apps_group(make_api, make_user):
    """API.md asks no `code` of a group reward: it is the one group the app has (vip)."""
    make_user("root", role="admin")
    admin = make_api("root")
    r = admin.post("/api/v1/admin/rewards", {"name": "VIP Lounge Access", "cost": 150, "kind": "group"})
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["code"] == "vip"
    exported = {x["slug"]: x for x in admin.get("/api/v1/admin/rewards").get_json()["rewards"]}
    assert exported["vip-lounge-access"]["code"] == "vip"
    r = admin.post("/api/v1/admin/rewards", {"name": "Old Guard", "cost": 5, "kind": "group", "code": "veterans"})
    assert r.status_code == 400 and "Unknown group 'veterans'" in r.get_json()["message"]  # it would unlock nothing
