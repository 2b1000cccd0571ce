"""EA library: upload, verification pays +50 once, files only through a view.
(The proof of performance, read from the report: test_ea_performance.py.)"""
import io
import os

from sqlalchemy import select

from goldcoin.community.models import ExpertAdvisor
from goldcoin.earning.settings import set_setting
from goldcoin.ledger.models import Transfer
from tests.reports.helpers import STATEMENT, raw

from .conftest import form_post

PERFORMANCE = dict(name="TrendRider v2", description="Trend follower", symbol="eurusd", timeframe="H1",
                   period="2023-01-01 to 2024-01-01", net_profit="1523.40", profit_factor="1.85",
                   max_drawdown_pct="12.5", trades="312", win_rate="61.2", price_coins="0")


def upload(api, file_name="trendrider.ex4", content=b"\x00EA-BINARY", report=None, report_name="report.htm",
           **overrides):
    """POST the upload form; `report` (bytes) is attached as `report_name`."""
    data = {k: v for k, v in dict(PERFORMANCE, **overrides).items() if v is not None}
    data["file"] = (io.BytesIO(content), file_name)
    if report:
        data["report"] = (io.BytesIO(report), report_name)
    return api.client.post("/community/eas/new", data=data, headers={"X-CSRFToken": api.csrf},
                           content_type="multipart/form-data")


def only_ea(session):
    session.expire_all()
    ea = session.scalar(select(ExpertAdvisor))
    if ea is not None:
        session.expunge(ea)  # keep its loaded values after the read ends
    session.rollback()  # end the read: on SQLite an open transaction holds the write lock
    return ea


def test_upload_verify_pays_fifty_once(app, forum, session, make_user, make_api, balance):
    author, moderator, reader = make_user(), make_user(role="moderator"), make_user()
    response = upload(make_api(author.username), report=raw(STATEMENT), report_name="DetailedStatement.htm")
    assert response.status_code == 302, response.get_data(as_text=True)
    ea = only_ea(session)
    # The report's figures, not the typed ones.
    figures = (ea.symbol, str(ea.net_profit), str(ea.profit_factor), ea.trades, ea.status)
    assert figures == ("eurgbpi", "54.68", "6.80", 112, "pending")
    stored = os.path.join(app.config["UPLOAD_FOLDER"], "eas", ea.file_name)
    assert os.path.isfile(stored) and "static" not in stored
    # not listed nor downloadable by others before verification
    reader_api = make_api(reader.username)
    assert reader_api.get(f"/community/eas/{ea.id}/download").status_code == 404
    assert make_api(author.username).get(f"/community/eas/{ea.id}/download").status_code == 200
    # members cannot verify; moderators see the queue
    assert form_post(reader_api, f"/community/eas/{ea.id}/verify").status_code == 403
    mod = make_api(moderator.username)
    assert "TrendRider v2" in mod.get("/community/eas/queue").get_data(as_text=True)
    assert form_post(mod, f"/community/eas/{ea.id}/verify").status_code == 302
    assert form_post(mod, f"/community/eas/{ea.id}/verify").status_code == 302  # again: refused, pays nothing
    assert balance(author) == 50
    assert len(session.scalars(select(Transfer).where(Transfer.kind == "earn.ea_verified")).all()) == 1
    session.rollback()
    download = reader_api.get(f"/community/eas/{ea.id}/download")
    assert download.status_code == 200 and download.data == b"\x00EA-BINARY"
    assert "attachment" in download.headers["Content-Disposition"]
    report = reader_api.get(f"/community/eas/{ea.id}/report")
    assert report.status_code == 200 and "attachment" in report.headers["Content-Disposition"]
    assert "TrendRider v2" in reader_api.get("/community/eas").get_data(as_text=True)


def test_typed_figures_stand_without_a_report(forum, session, make_user, make_api):
    upload(make_api(make_user().username))
    ea = only_ea(session)
    figures = (ea.symbol, str(ea.net_profit), str(ea.profit_factor), ea.trades, ea.status)
    assert figures == ("EURUSD", "1523.40", "1.85", 312, "pending")


def test_reject_with_reason_pays_nothing(forum, session, make_user, make_api, balance):
    author, moderator = make_user(), make_user(role="moderator")
    upload(make_api(author.username))
    ea = only_ea(session)
    mod = make_api(moderator.username)
    assert form_post(mod, f"/community/eas/{ea.id}/reject", reason="no tester report").status_code == 302
    ea = only_ea(session)
    assert (ea.status, ea.reject_reason) == ("rejected", "no tester report")
    assert balance(author) == 0


def test_bad_uploads_are_refused(forum, session, make_user, make_api):
    api = make_api(make_user().username)
    assert upload(api, file_name="virus.exe").status_code == 400
    assert upload(api, profit_factor="lots").status_code == 400
    assert upload(api, max_drawdown_pct="150").status_code == 400
    # Past the 32-bit columns: SQLite raised OverflowError (a 500) before.
    for field in ("price_coins", "trades"):
        refused = upload(api, **{field: "99999999999999999999"})
        assert refused.status_code == 400 and "must be at most 2147483647" in refused.get_data(as_text=True)
    set_setting(session, "ea_max_upload_bytes", "100")
    session.commit()
    assert upload(api, content=b"x" * 101).status_code == 413
    assert only_ea(session) is None


def test_paid_eas_are_not_downloadable_without_buying(forum, session, make_user, make_api):
    author, moderator, reader = make_user(), make_user(role="moderator"), make_user()
    upload(make_api(author.username), price_coins="30")
    ea = only_ea(session)
    form_post(make_api(moderator.username), f"/community/eas/{ea.id}/verify", override_reason="Known author")
    assert make_api(reader.username).get(f"/community/eas/{ea.id}/download").status_code == 403
    assert make_api(moderator.username).get(f"/community/eas/{ea.id}/download").status_code == 200
    assert make_api().get(f"/community/eas/{ea.id}/download").status_code == 302  # to the login page
