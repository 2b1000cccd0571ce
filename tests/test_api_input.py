"""Bad input is a 400 `bad_request` in the error shape, never a 500 (API.md,
"Added in v1.1"): integers beyond 64 bits, NUL and lone surrogates in strings,
JSON nested deeper than the schema, booleans for integers; in bodies, query
strings and paths, on several endpoints."""
import json

import pytest

from goldcoin.auth.service import create_token
from goldcoin.extensions import db

BIG = 2**63  # one past the largest 64-bit integer


@pytest.fixture
def tokens(app, make_user):
    admin = make_user("root", role="admin")
    with app.app_context():
        _, admin_token = create_token(db.session, "ops", "admin", created_by_id=admin.id)
        _, events_token = create_token(db.session, "forum", "events")
        db.session.commit()
    return {"admin": admin_token, "events": events_token}


@pytest.fixture
def send(client, tokens):
    """send(method, path, raw JSON text or None, token=...) -> response."""

    def call(method, path, raw=None, token=None):
        headers = {"Authorization": f"Bearer {tokens[token]}"} if token else {}
        return client.open(path, method=method, data=raw, content_type="application/json" if raw else None,
                           headers=headers)

    return call


def assert_bad_request(response, fragment=None):
    assert response.status_code == 400, response.get_data(as_text=True)
    body = response.get_json()
    assert body["error"] == "bad_request" and body["message"], body
    assert set(body) == {"error", "message"}, body  # our envelope, not smorest's
    if fragment:
        assert fragment in body["message"], body["message"]


def event(**fields):
    body = {"id": "e-1", "type": "post.upvoted", "user": {"external_id": "f-1", "username": "ann"},
            "object_id": "p-1", "upvotes": 5}
    body.update(fields)
    return body


def adjustment(**fields):
    return {"user_id": 1, "amount": 5, "reason": "prize", **fields}


def reward(**fields):
    return {"name": "Badge", "cost": 5, "kind": "badge", "code": "b", **fields}


# (method, path, token) of endpoints taking a JSON body, with a valid body.
BODIES = {
    "register": ("POST", "/api/v1/auth/register", None,
                 {"username": "newbie", "email": "n@example.com", "password": "s3cret-pass"}),
    "adjust": ("POST", "/api/v1/admin/adjustments", "admin", adjustment()),
    "events": ("POST", "/api/v1/events", "events", event()),
    "reward": ("POST", "/api/v1/admin/rewards", "admin", reward()),
}


@pytest.mark.parametrize("endpoint, field, value", [
    ("adjust", "user_id", BIG),
    ("adjust", "amount", -BIG - 1),
    ("events", "upvotes", BIG),
    ("events", "id", BIG),  # an id may be an integer: a 64-bit one
    ("reward", "cost", BIG),
    ("register", "unknown_extra", BIG),  # checked even where no field reads it
])
def test_integers_beyond_64_bits_in_bodies(send, endpoint, field, value):
    method, path, token, body = BODIES[endpoint]
    assert_bad_request(send(method, path, json.dumps({**body, field: value}), token), f"'{field}'")


@pytest.mark.parametrize("endpoint, field, value", [
    ("adjust", "user_id", True),
    ("adjust", "amount", False),
    ("events", "upvotes", True),
    ("reward", "cost", True),
    ("reward", "stock", True),
])
def test_booleans_are_not_integers(send, endpoint, field, value):
    method, path, token, body = BODIES[endpoint]
    assert_bad_request(send(method, path, json.dumps({**body, field: value}), token), f"'{field}'")


def test_booleans_are_not_integers_in_lists(make_api, make_user):
    make_user("alice")
    alice = make_api("alice")
    assert_bad_request(alice.post("/api/v1/me/notifications/read", {"ids": [1, True]}), "'ids[1]'")
    assert alice.post("/api/v1/me/notifications/read", {"ids": [1, 2]}).status_code == 200


# Raw JSON text: "\u0000" and "\ud800" are how a client sends them.
NUL, SURROGATE = "a\\u0000b", "a\\ud800b"


@pytest.mark.parametrize("endpoint, field", [
    ("register", "username"),
    ("register", "referral_code"),
    ("adjust", "reason"),
    ("events", "object_id"),
    ("reward", "name"),
    ("reward", "unknown_extra"),
])
@pytest.mark.parametrize("text", [NUL, SURROGATE])
def test_nul_and_lone_surrogates_in_strings(send, endpoint, field, text):
    method, path, token, body = BODIES[endpoint]
    raw = json.dumps({k: v for k, v in body.items() if k != field})[:-1] + f', "{field}": "{text}"}}'
    assert_bad_request(send(method, path, raw, token), f"'{field}'")


@pytest.mark.parametrize("text", [NUL, SURROGATE])
def test_nul_and_lone_surrogates_in_nested_strings_and_keys(send, text):
    raw = '{"id": "e-2", "type": "ea.verified", "object_id": "p", "user": {"external_id": "x", "username": "%s"}}'
    assert_bad_request(send("POST", "/api/v1/events", raw % text, "events"), "'user.username'")
    raw = '{"user_id": 1, "amount": 5, "reason": "x", "%s": 1}'
    assert_bad_request(send("POST", "/api/v1/admin/adjustments", raw % text, "admin"), "key")


def test_nul_in_a_query_string(make_api, make_user, client):
    assert_bad_request(client.get("/api/v1/leaderboard?period=all%00"), "'period'")


@pytest.mark.parametrize("endpoint", list(BODIES))
def test_json_nested_deeper_than_the_schema(send, endpoint):
    method, path, token, body = BODIES[endpoint]
    deep = json.dumps({**body, "extra": [[[[[[[[[[{}]]]]]]]]]]})
    assert_bad_request(send(method, path, deep, token), "nested deeper")


@pytest.mark.parametrize("levels", [3, 100_000])  # just too deep, and deeper than Python's parser goes
def test_json_nested_deeper_than_the_schema_allows_at_a_known_field(send, levels):
    raw = '{"id": "e-3", "type": "ea.verified", "object_id": "p", "user": {"external_id": ' + (
        "[" * levels + "]" * levels) + ', "username": "x"}}'
    assert_bad_request(send("POST", "/api/v1/events", raw, "events"), "nested deeper")


def test_as_deep_as_the_schema_is_fine(send):
    # A catalogue import nests three levels: {"rewards": [{...}]}.
    r = send("POST", "/api/v1/admin/rewards", json.dumps({"rewards": [reward(name="Deep")]}), "admin")
    assert r.status_code == 200 and r.get_json() == {"created": 1, "updated": 0}


@pytest.mark.parametrize("query", [f"before={BIG}", f"limit={BIG}", "limit=true", "limit=1.5", "limit=abc"])
def test_bad_integers_in_query_strings(make_api, make_user, query):
    make_user("alice")
    assert_bad_request(make_api("alice").get(f"/api/v1/me/transactions?{query}"), "'")


def test_a_blank_query_integer_is_not_given(make_api, make_user):
    make_user("alice", coins=3)
    r = make_api("alice").get("/api/v1/me/transactions?limit=&before=")
    assert r.status_code == 200 and [i["amount"] for i in r.get_json()["items"]] == [3]


def test_integers_beyond_64_bits_in_paths(make_api, make_user, send):
    make_user("alice", coins=3)
    alice = make_api("alice")
    assert_bad_request(alice.post(f"/api/v1/rewards/{BIG}/redeem"), "64-bit")
    assert_bad_request(send("POST", f"/api/v1/admin/transfers/{BIG}/reverse", '{"reason": "x"}', "admin"), "64-bit")
    # A 64-bit id the column cannot hold (rewards.id is 32-bit) is merely unknown;
    # on PostgreSQL it would not even be compared with the column.
    for reward_id in (BIG - 1, 2**31):
        r = alice.post(f"/api/v1/rewards/{reward_id}/redeem")
        assert r.status_code == 404 and r.get_json()["error"] == "not_found"
    r = send("POST", f"/api/v1/admin/transfers/{2**31}/reverse", '{"reason": "x"}', "admin")
    assert r.status_code == 404 and r.get_json()["error"] == "not_found"
    assert_bad_request(alice.post("/api/v1/rewards/" + "9" * 5000 + "/redeem"), "64-bit")


def test_ids_beyond_their_32_bit_columns_in_bodies_and_queries(make_api, make_user, send):
    """The document states each id's maximum: what its column holds (users.id
    is a 32-bit INTEGER; PostgreSQL will not compare a larger number with it).
    Transfer and notification ids are 64-bit, so 2^31 is an ordinary id there."""
    make_user("alice")
    alice = make_api("alice")
    assert_bad_request(alice.get(f"/api/v1/me/transactions?before={2**63}"), "'before' must be at most")
    assert alice.get(f"/api/v1/me/transactions?before={2**31}").status_code == 200
    assert_bad_request(alice.post("/api/v1/me/notifications/read", {"ids": [2**63]}), "'ids[0]' must be between")
    body = json.dumps(adjustment(user_id=2**31))
    assert_bad_request(send("POST", "/api/v1/admin/adjustments", body, "admin"), "'user_id' must be at most")
    r = send("POST", "/api/v1/admin/adjustments", json.dumps(adjustment(user_id=2**31 - 1)), "admin")
    assert r.status_code == 404 and r.get_json()["error"] == "not_found"


def test_a_body_that_is_not_json_or_not_an_object(send, client):
    assert_bad_request(send("POST", "/api/v1/admin/adjustments", "{nope", "admin"), "not valid JSON")
    assert_bad_request(send("POST", "/api/v1/admin/adjustments", "NaN", "admin"), "not valid JSON")
    assert_bad_request(send("POST", "/api/v1/admin/adjustments", "[1]", "admin"), "must be an object")
    r = client.post("/api/v1/auth/login", data='{"username": "a"}', content_type="text/plain")
    assert_bad_request(r, "Content-Type: application/json")


def test_unknown_fields_are_ignored_and_limits_kept(send, make_user):
    bob = make_user("bob")
    r = send("POST", "/api/v1/admin/adjustments", json.dumps(adjustment(user_id=bob.id, note="ignored")), "admin")
    assert r.status_code == 201 and r.get_json()["balance"] == 5
    too_much = json.dumps(adjustment(user_id=bob.id, amount=10_000_001))
    assert_bad_request(send("POST", "/api/v1/admin/adjustments", too_much, "admin"), "at most 10000000")


def test_an_event_pays_at_most_ten_million(send, app):
    """Unbounded, two bounties of 2**62 would overflow 64-bit balances. (Each
    type's own maximum, a setting, is at most this.)"""
    from goldcoin.earning.settings import set_setting

    with app.app_context():
        set_setting(db.session, "event_max.bounty.awarded", "10000000")
        db.session.commit()
    too_much = json.dumps(event(type="bounty.awarded", amount=10_000_001))
    assert_bad_request(send("POST", "/api/v1/events", too_much, "events"), "'amount' must be at most 10000000")
    r = send("POST", "/api/v1/events", json.dumps(event(type="bounty.awarded", amount=10_000_000)), "events")
    assert r.status_code == 202 and r.get_json()["awarded"] == 10_000_000


def test_an_id_beyond_a_32_bit_column_is_not_found_not_a_500(send, client):
    """Found by the schemathesis fuzz on PostgreSQL (tests/test_api_fuzz.py):
    expert_advisors.id is 32-bit, the path accepts 64-bit ids."""
    r = client.get("/api/v1/eas/361365641761")
    assert r.status_code == 404 and r.get_json()["error"] == "not_found", r.get_data(as_text=True)
    assert client.get("/community/eas/361365641761").status_code == 404
