"""The machine-readable contract (API.md, "Added in v1.1"): GET /api/v1/openapi.json
is a valid OpenAPI 3 document covering every JSON path of API.md, and /api/docs
is a page of it that needs no script from anywhere."""
import re
from pathlib import Path

import pytest
from openapi_spec_validator import validate

API_MD = Path(__file__).resolve().parent.parent / "docs" / "API.md"

# API.md paths whose endpoints later issues build. Once one exists, it is in
# the document by itself (every route of the API blueprint is): take it off
# this list, and the test below checks it like the others.
NOT_BUILT_YET = set()

# Routes on the API blueprint whose owner has not declared their schemas yet
# (see core/api.py: add @bp.arguments / @bp.response). They are in the
# document, without request or answer shapes; declare them, then drop them here.
AWAITING_SCHEMAS = {
    ("post", "/api/v1/reports/parse"),  # multipart upload; its answer is the reader's JSON
    ("get", "/api/v1/eas/{}"),
}


@pytest.fixture
def spec(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    return r.get_json()


def _shape(path):
    """/api/v1/rewards/<id>/redeem and /api/v1/rewards/{reward_id}/redeem -> /api/v1/rewards/{}/redeem"""
    return re.sub(r"<[^>]*>|\{[^}]*\}", "{}", path.split("?")[0]).rstrip("/.,")


def contract_operations():
    """(method or None, path shape) of every /api/v1 path API.md names."""
    text = API_MD.read_text(encoding="utf-8")
    found = set()
    for method, path in re.findall(r"(?:\b(GET|POST|PUT|PATCH|DELETE) )?(/api/v1/[^\s`\"'),]+)", text):
        found.add((method.lower() or None, _shape(path)))
    return found


def test_the_document_is_valid_openapi_3(spec):
    assert spec["openapi"].startswith("3.")
    validate(spec)  # raises on any violation of the OpenAPI 3 schema


def test_every_api_md_path_is_in_the_document(spec):
    operations = contract_operations()
    assert len(operations) >= 20, operations  # the parse of API.md found the contract
    documented = {_shape(path): set(item) for path, item in spec["paths"].items()}
    for method, path in sorted(operations, key=str):
        if path in NOT_BUILT_YET:
            continue
        assert path in documented, f"{path} (API.md) is not in openapi.json"
        if method:
            assert method in documented[path], f"{method.upper()} {path} (API.md) is not in openapi.json"


def test_paths_not_built_yet_are_really_not_built(app):
    routes = {_shape(rule.rule) for rule in app.url_map.iter_rules()}
    assert not NOT_BUILT_YET & routes, "built now: remove it from NOT_BUILT_YET"


def test_every_operation_declares_its_answer_and_the_error_shape(spec):
    error = spec["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"error", "message"}
    assert "bad_request" in error["properties"]["error"]["enum"]
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method == "parameters":
                continue
            answers = op["responses"]
            assert answers["default"] == {"$ref": "#/components/responses/DEFAULT_ERROR"}
            success = [s for s in answers if s.startswith("2")]
            if (method, _shape(path)) in AWAITING_SCHEMAS:
                assert not success, f"{method} {path} declares its answer now: drop it from AWAITING_SCHEMAS"
                continue
            assert success, f"{method.upper()} {path} documents no success answer"
            if method == "post" and "requestBody" in op:
                assert answers["400"] == {"$ref": "#/components/responses/BAD_REQUEST"}
    bad_request = spec["components"]["responses"]["BAD_REQUEST"]
    assert bad_request["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_the_document_says_what_the_api_does_beyond_api_md(spec):
    schemas = spec["components"]["schemas"]
    assert "replayed" in schemas["RedeemOut"]["properties"]
    assert "replayed" in schemas["AdjustmentOut"]["properties"]
    assert "replayed" in schemas["EventOut"]["properties"]
    assert "unread" in schemas["NotificationsOut"]["properties"]
    assert "get" in spec["paths"]["/api/v1/recharge/orders"]
    # Limits the API enforces, as the document states them.
    amount = schemas["AdjustmentIn"]["properties"]["amount"]
    assert (amount["minimum"], amount["maximum"], amount["format"]) == (-10_000_000, 10_000_000, "int64")
    limit = next(p for p in spec["paths"]["/api/v1/leaderboard"]["get"]["parameters"] if p["name"] == "limit")
    assert (limit["in"], limit["schema"]["maximum"]) == ("query", 100)
    redeem = spec["paths"]["/api/v1/rewards/{reward_id}/redeem"]
    assert redeem["parameters"][0]["schema"]["format"] == "int64"
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in redeem["post"]["parameters"])
    assert set(spec["components"]["securitySchemes"]) == {"session", "bearer"}


def test_the_docs_page_lists_every_path_and_loads_no_foreign_script(client, spec):
    r = client.get("/api/docs")
    assert r.status_code == 200 and r.mimetype == "text/html"
    page = r.get_data(as_text=True)
    for path in spec["paths"]:
        assert path in page
    assert 'id="schema-AdjustmentIn"' in page and "10000000" in page
    # script-src 'self': every script is one of our own files, none inline.
    scripts = re.findall(r"<script\b([^>]*)>", page)
    assert scripts and all(re.search(r'src="/static/', attrs) for attrs in scripts), scripts
    assert "//cdn" not in page and "unpkg" not in page


def test_answer_schemas_carry_every_field_the_domain_gives(app, make_user):
    """An answer is dumped through its schema, which drops what it does not
    declare: a field a domain adds must be declared (and so documented)."""
    from goldcoin.extensions import db
    from goldcoin.members.api import MemberOut
    from goldcoin.members.service import member_summary
    from goldcoin.notifications.api import NotificationOut
    from goldcoin.notifications.models import Notification
    from goldcoin.notifications.service import notification_json
    from goldcoin.store.api import RewardOut
    from goldcoin.store.service import create_reward, reward_json

    user = make_user("alice")
    with app.app_context():
        assert set(member_summary(db.session.merge(user))) == set(MemberOut().fields)
        reward = create_reward(db.session, {"name": "Badge", "cost": 5, "kind": "badge", "code": "b"})
        assert set(reward_json(reward)) | {"cost"} == set(RewardOut().fields)
        assert set(notification_json(Notification(id=1, user_id=user.id, text="hi"))) == set(NotificationOut().fields)
        db.session.rollback()
