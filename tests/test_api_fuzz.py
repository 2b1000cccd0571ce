"""Property-based fuzzing of every JSON endpoint, driven by the app's own
OpenAPI document (/api/v1/openapi.json) with schemathesis: valid and invalid
bodies, queries and path parameters, as an admin token, an events token or
a logged-in member (session cookie and CSRF header), as each operation's
`security` says. Properties: no answer is a 5xx, and every error answers
API.md's shape `{"error": <code>, "message": <text>}` with a documented code.

Deterministic (derandomized, a fixed number of examples per operation) so a
CI run repeats the last one; `-s` prints the figures."""
import collections

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation.modes import GenerationMode

from goldcoin.auth.service import create_token
from goldcoin.core.errors import STATUS
from goldcoin.extensions import db
from goldcoin.payments.seed import seed_packages
from goldcoin.payments.simulator import Simulator, SimulatorAccount
from tests.support.server import ServerThread

EXAMPLES = 40  # per operation and generation mode (valid, invalid)
FIGURES = collections.Counter()


@pytest.fixture
def provider(app_config):
    """CoinPayments' simulator over real HTTP: recharge orders reach a provider."""
    sim = Simulator([SimulatorAccount("fuzz-public", "fuzz-private", "fuzz-merchant", "fuzz-ipn")])
    with ServerThread(sim) as server:
        app_config.update(COINPAYMENTS_API_URL=server.base + "/api.php", COINPAYMENTS_PUBLIC_KEY="fuzz-public",
                          COINPAYMENTS_PRIVATE_KEY="fuzz-private", COINPAYMENTS_MERCHANT_ID="fuzz-merchant",
                          COINPAYMENTS_IPN_SECRET="fuzz-ipn", MAIL_SERVER=None)
        yield sim


@pytest.fixture
def fuzzed_app(provider, app, make_user):
    admin = make_user("fuzzadmin", role="admin")
    make_user("fuzzer", coins=1000)
    with app.app_context():
        _, admin_token = create_token(db.session, "fuzz", "admin", created_by_id=admin.id)
        _, events_token = create_token(db.session, "fuzz-forum", "events")
        db.session.commit()
    app.fuzz_tokens = {"admin": admin_token, "events": events_token}
    with app.app_context():
        seed_packages(db.session)
        db.session.commit()
    return app


@pytest.fixture
def api_schema(fuzzed_app):
    """The app's document, as the app serves it."""
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzzed_app)


class Member:
    """A logged-in member's cookies and CSRF token; logged in again after a fuzzed logout."""

    def __init__(self, app):
        self.app, self.cookies, self.csrf = app, None, None

    def credentials(self):
        if self.cookies is None:
            client = self.app.test_client()
            csrf = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
            r = client.post("/api/v1/auth/login", json={"username": "fuzzer", "password": "password123"},
                            headers={"X-CSRFToken": csrf})
            assert r.status_code == 200, r.get_data(as_text=True)
            self.csrf = r.get_json()["csrf_token"]
            self.cookies = {c.key: c.value for c in client._cookies.values()}
        return self.cookies, self.csrf


def _auth(case, app, member):
    """Headers and cookies for the operation's security (API.md: who may call it)."""
    security = case.operation.definition.raw.get("security") or []
    schemes = {name for requirement in security for name in requirement}
    path = case.operation.path
    if "bearer" in schemes:
        token = app.fuzz_tokens["events" if path == "/api/v1/events" else "admin"]
        return {"Authorization": f"Bearer {token}"}, None
    if "session" in schemes or path.startswith("/api/v1/reports"):
        cookies, csrf = member.credentials()
        return {"X-CSRFToken": csrf}, cookies
    return {}, None


def _check_shape(case, response):
    FIGURES["requests"] += 1
    FIGURES[f"{response.status_code // 100}xx"] += 1
    where = f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:300]}"
    assert response.status_code < 500, where
    if response.status_code >= 400:
        body = response.json()
        assert isinstance(body, dict) and set(body) == {"error", "message"}, where
        assert body["error"] in STATUS and isinstance(body["message"], str) and body["message"], where


def test_every_json_endpoint_under_fuzzing(fuzzed_app, api_schema):
    member = Member(fuzzed_app)
    FIGURES.clear()
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 20

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            FIGURES["operations x modes"] += 1

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                      phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
            def fuzz(case):
                headers, cookies = _auth(case, fuzzed_app, member)
                response = case.call(headers=headers, cookies=cookies)
                if case.operation.path == "/api/v1/auth/logout" and response.status_code == 200:
                    member.cookies = None  # that login ended: log in again for the next case
                _check_shape(case, response)

            try:
                fuzz()
            except Unsatisfiable:
                # Nothing to get wrong (no parameters, no body): no invalid request exists.
                assert mode == GenerationMode.NEGATIVE, operation.label
                FIGURES["operations x modes"] -= 1
    print(f"\nfuzz: {FIGURES['requests']} requests over the OpenAPI document ({len(operations)} operations); "
          + ", ".join(f"{k}={v}" for k, v in sorted(FIGURES.items()) if k != "requests"))
    assert FIGURES["5xx"] == 0
