"""POST /api/v1/reports/parse and GET /api/v1/eas/<id> (API.md "Performance reports")."""
import io
import os

import pytest
from sqlalchemy import func, select

from goldcoin.auth.service import create_token
from goldcoin.community.models import EAPerformance
from goldcoin.earning.settings import set_setting
from goldcoin.extensions import db
from goldcoin.reports import read_report
from tests.reports.helpers import HISTORY_BG, STATEMENT, ZVER_GBP, raw

from .conftest import form_post
from .test_ea_library import upload
from .test_ea_performance import NO_FIGURES, ea_named


@pytest.fixture
def make_token(app):
    def make(scope):
        with app.app_context():
            _, plaintext = create_token(db.session, f"forum-{scope}", scope)
            db.session.commit()
        return plaintext

    return make


def parse(api, data, name="report.htm", headers=None, field="file"):
    body = {field: (io.BytesIO(data), name)} if data is not None else {}
    return api.client.post("/api/v1/reports/parse", data=body, content_type="multipart/form-data",
                           headers=headers if headers is not None else {"X-CSRFToken": api.csrf})


@pytest.mark.parametrize("name", [STATEMENT, ZVER_GBP, HISTORY_BG])
def test_a_member_parses_a_real_report(app, make_user, make_api, name):
    response = parse(make_api(make_user().username), raw(name), name)
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == read_report(raw(name)).to_json()


def test_the_answer_is_the_api_shape(make_user, make_api):
    body = parse(make_api(make_user().username), raw(ZVER_GBP)).get_json()
    assert set(body) == {"format", "symbol", "period", "initial_deposit", "net_profit", "gross_profit", "gross_loss",
                          "profit_factor", "expected_payoff", "max_drawdown", "max_drawdown_pct", "total_trades",
                          "win_rate_pct", "currency", "started_at", "ended_at", "balance_curve", "warnings"}
    assert (body["format"], body["net_profit"], body["gross_loss"], body["profit_factor"], body["total_trades"]) == (
        "mt5_tester", "-3031.70", "-6212.30", "0.51", 140)
    assert body["balance_curve"][0] == ["2020-01-04T00:00:00", "3000.00"]
    assert [w["code"] for w in body["warnings"]] == ["profit_in_pips"]


def test_a_bearer_token_of_scope_events_may_parse(client, make_token):
    events, admin = make_token("events"), make_token("admin")
    ok = client.post("/api/v1/reports/parse", data={"file": (io.BytesIO(raw(STATEMENT)), "s.htm")},
                     headers={"Authorization": f"Bearer {events}"})
    assert ok.status_code == 200 and ok.get_json()["format"] == "mt4_statement"
    wrong = client.post("/api/v1/reports/parse", data={"file": (io.BytesIO(raw(STATEMENT)), "s.htm")},
                        headers={"Authorization": f"Bearer {admin}"})
    assert wrong.status_code == 403 and wrong.get_json()["error"] == "forbidden"
    unknown = client.post("/api/v1/reports/parse", data={"file": (io.BytesIO(raw(STATEMENT)), "s.htm")},
                          headers={"Authorization": "Bearer gc_not-a-token"})
    assert unknown.status_code == 401 and unknown.get_json()["error"] == "unauthorized"


def test_anonymous_and_forged_requests_are_refused(make_user, make_api):
    anonymous = parse(make_api(), raw(STATEMENT), headers={})
    assert anonymous.status_code == 401 and anonymous.get_json()["error"] == "unauthorized"
    member = make_api(make_user().username)
    no_csrf = parse(member, raw(STATEMENT), headers={})  # a session cookie rides along: CSRF is required
    assert no_csrf.status_code == 400 and no_csrf.get_json()["error"] == "bad_request"
    assert "CSRF" in no_csrf.get_json()["message"]


@pytest.mark.parametrize("data, name, says", [
    (b"<html><body><p>my results: +500%</p></body></html>", "fake.htm", "not a MetaTrader report"),
    (b"<table><tr><td>Net profit</td><td>100</td></tr></table>", "table.html", "not a MetaTrader report"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "chart.png", "an image"),
    (b"%PDF-1.7 ...", "report.pdf", "a PDF"),
    (b"PK\x03\x04....", "report.zip", "zip"),
    (b"", "empty.htm", "empty"),
    (b"\x00\x01\x02\x03" * 64, "blob.htm", "binary"),
    (b"\xff\xfe" + "<tr><td>\ud800".encode("utf-16-le", "surrogatepass"), "broken.htm", ""),
])
def test_what_is_not_a_report_is_a_400(make_user, make_api, data, name, says):
    response = parse(make_api(make_user().username), data, name)
    assert response.status_code == 400, response.get_data(as_text=True)
    body = response.get_json()
    assert body["error"] == "bad_request" and says in body["message"]


def test_a_request_without_the_file_is_a_400(make_user, make_api):
    api = make_api(make_user().username)
    for response in (parse(api, None), parse(api, raw(STATEMENT), field="report"),
                     api.post("/api/v1/reports/parse", {"file": "<html>"})):
        assert response.status_code == 400 and response.get_json()["error"] == "bad_request"


def test_a_report_over_the_size_limit_is_a_413(session, make_user, make_api):
    set_setting(session, "ea_max_upload_bytes", "1024")
    session.commit()
    response = parse(make_api(make_user().username), raw(STATEMENT))
    assert response.status_code == 413 and response.get_json()["error"] == "payload_too_large"


def test_parsing_stores_nothing(app, session, make_user, make_api):
    parse(make_api(make_user().username), raw(STATEMENT))
    assert session.scalar(select(func.count()).select_from(EAPerformance)) == 0
    session.rollback()
    folder = app.config["UPLOAD_FOLDER"]
    assert not os.path.exists(folder) or not any(files for _, _, files in os.walk(folder))


def test_an_ea_carries_its_report_under_performance(forum, session, make_user, make_api):
    author, moderator, reader = make_user(), make_user(role="moderator"), make_user()
    upload(make_api(author.username), name="Zver", report=raw(ZVER_GBP), report_name="ReportTester.html", **NO_FIGURES)
    ea, perf = ea_named(session, "Zver")
    # Pending: its author and moderators only.
    assert make_api(reader.username).get(f"/api/v1/eas/{ea.id}").status_code == 404
    assert make_api().get(f"/api/v1/eas/{ea.id}").get_json()["error"] == "not_found"
    assert make_api(author.username).get(f"/api/v1/eas/{ea.id}").status_code == 200
    form_post(make_api(moderator.username), f"/community/eas/{ea.id}/verify")

    body = make_api().get(f"/api/v1/eas/{ea.id}").get_json()
    assert (body["id"], body["name"], body["status"], body["author"]["username"]) == (
        ea.id, "Zver", "verified", author.username)
    assert (body["symbol"], body["timeframe"], body["figures_source"], body["net_profit"]) == (
        "GBPUSD", "M15", "report", "-3031.70")
    performance = body["performance"]
    parsed = read_report(raw(ZVER_GBP)).to_json()
    assert {k: performance[k] for k in parsed} == parsed  # the same body as POST /api/v1/reports/parse
    assert (performance["source"], performance["machine_read"], performance["checks_passed"]) == ("report", True, True)
    assert performance["fingerprint"] == perf.fingerprint and performance["read_error"] is None


def test_an_ea_without_a_readable_report(forum, session, make_user, make_api):
    author = make_user()
    upload(make_api(author.username), name="Typed")
    upload(make_api(author.username), name="Unread", report=b"just text", report_name="notes.txt")
    typed, unread = ea_named(session, "Typed")[0], ea_named(session, "Unread")[0]
    api = make_api(author.username)
    typed_body = api.get(f"/api/v1/eas/{typed.id}").get_json()
    assert typed_body["performance"] is None and typed_body["figures_source"] == "typed"
    assert typed_body["profit_factor"] == "1.85"
    performance = api.get(f"/api/v1/eas/{unread.id}").get_json()["performance"]
    assert (performance["source"], performance["machine_read"], performance["net_profit"]) == ("unread", False, None)
    assert "not a MetaTrader report" in performance["read_error"]
    assert make_api().get("/api/v1/eas/999999").status_code == 404
    assert make_api().get(f"/api/v1/eas/{2**63}").status_code == 400


@pytest.fixture
def limited(app_config):
    app_config.update(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://",
                      GOLDCOIN_REPORT_PARSE_RATE_LIMIT="2 per minute")


def test_parsing_is_rate_limited_per_caller(limited, make_user, make_api):
    api = make_api(make_user().username)
    assert [parse(api, raw(STATEMENT)).status_code for _ in range(3)] == [200, 200, 429]
    assert parse(api, raw(STATEMENT)).get_json()["error"] == "rate_limited"
    assert parse(make_api(make_user().username), raw(STATEMENT)).status_code == 200  # another member
