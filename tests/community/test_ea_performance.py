"""An EA's proof of performance: the attached MetaTrader report is read at
upload; its figures, curve and checks are shown; verification pays only for a
machine-read report (or a moderator's written override); a report pays once."""
import re

from sqlalchemy import func, select

from goldcoin.community.models import EAPerformance, ExpertAdvisor, PaidReport
from goldcoin.core.audit import AdminAction
from goldcoin.ledger.models import Transfer
from goldcoin.reports import fingerprint, read_report
from tests.reports.helpers import HISTORY_EN, STATEMENT, ZVER_GBP, edit, raw

from .conftest import form_post
from .test_ea_library import upload

NO_FIGURES = dict(symbol=None, period=None, net_profit=None, profit_factor=None, max_drawdown_pct=None, trades=None,
                  win_rate=None)


def utf16(data):
    """The same report saved again as MT5 saves files: UTF-16 LE with a BOM."""
    return b"\xff\xfe" + data.decode("utf-8").encode("utf-16-le")


def ea_named(session, name):
    session.expire_all()
    ea = session.scalar(select(ExpertAdvisor).where(ExpertAdvisor.name == name))
    perf = ea.performance
    session.expunge_all()
    session.rollback()  # end the read: on SQLite an open transaction holds the write lock
    return ea, perf


def share(make_api, member, name, report, report_name="report.htm", **fields):
    response = upload(make_api(member.username), name=name, report=report, report_name=report_name,
                      **dict(NO_FIGURES, **fields))
    assert response.status_code == 302, response.get_data(as_text=True)[-800:]
    return response


def test_a_real_report_is_read_at_upload_and_its_figures_replace_the_typed_ones(forum, session, make_user, make_api):
    author = make_user()
    # Typed figures beside a readable report are ignored: the report is the proof.
    response = upload(make_api(author.username), name="Statement EA", report=raw(STATEMENT),
                      report_name="DetailedStatement.htm", profit_factor="99", net_profit="100000")
    assert response.status_code == 302
    ea, perf = ea_named(session, "Statement EA")
    report = read_report(raw(STATEMENT))
    body = report.to_json()
    assert (perf.source, perf.format, perf.checks_passed) == ("report", "mt4_statement", True)
    assert perf.fingerprint == fingerprint(report)
    assert perf.balance_curve == body.pop("balance_curve") and perf.warnings == body.pop("warnings") == []
    assert perf.figures == body  # the reader's own decimal strings, as the report states them
    assert (ea.symbol, ea.timeframe, ea.period) == ("eurgbpi", "H1", "2017-10-17 to 2017-10-18")
    assert (str(ea.net_profit), str(ea.profit_factor), str(ea.max_drawdown_pct), ea.trades, str(ea.win_rate)) == (
        "54.68", "6.80", "2.59", 112, "73.21")

    page = make_api(author.username).get(f"/community/eas/{ea.id}").get_data(as_text=True)
    assert "Machine-read MetaTrader 4 account statement" in page
    assert "all consistency checks passed" in page
    assert re.search(r'<td class="num" id="ea-net-profit">54.68 USD</td>', page)
    points = re.search(r'<polyline points="([^"]+)"', page).group(1).split()
    assert len(perf.balance_curve) == 114  # the deposit and every closing row, oldest first
    assert len(points) >= 114 and points[0].startswith("104.0,") and points[-1].startswith("628.0,")


def test_a_pips_report_shows_pips_and_its_timeframe(forum, session, make_user, make_api):
    author = make_user()
    share(make_api, author, "Zver", raw(ZVER_GBP), "ReportTester.html", timeframe="H4")
    ea, perf = ea_named(session, "Zver")
    assert (ea.timeframe, ea.symbol, perf.figures["currency"]) == ("M15", "GBPUSD", "pips")  # the report's, not H4
    page = make_api(author.username).get(f"/community/eas/{ea.id}").get_data(as_text=True)
    assert 'id="ea-net-profit">-3031.70 pips<' in page and "4756.60 pips (100.67 %)" in page
    assert "these figures are pips, not money" in page
    assert "all consistency checks passed" in page  # pips is a note, not a failed check
    assert re.search(r'<text class="y-label"[^>]*>-31.70 pips</text>', page)  # the stop-out's floor


def test_an_edited_report_is_read_but_its_failed_checks_are_shown(forum, session, make_user, make_api):
    author = make_user()
    share(make_api, author, "Edited", edit(STATEMENT, "<b>264.68</b>", "<b>1264.68</b>"))
    ea, perf = ea_named(session, "Edited")
    assert perf.source == "report" and perf.checks_passed is False
    assert [w["code"] for w in perf.warnings] == ["final_balance_mismatch"]
    page = make_api(author.username).get(f"/community/eas/{ea.id}").get_data(as_text=True)
    assert "some consistency checks failed" in page and 'data-code="final_balance_mismatch"' in page


def test_an_unreadable_report_is_kept_but_needs_typed_figures_and_an_override(forum, session, make_user, make_api,
                                                                              balance):
    author, moderator = make_user(), make_user(role="moderator")
    api = make_api(author.username)
    refused = upload(api, name="Shot", report=b"\x89PNG\r\n\x1a\n...", report_name="chart.png", **NO_FIGURES)
    assert refused.status_code == 400
    assert "This is an image" in refused.get_data(as_text=True)  # the reader's reason, and what to do
    assert upload(api, name="Shot", report=b"\x89PNG\r\n\x1a\n...", report_name="chart.png").status_code == 302
    ea, perf = ea_named(session, "Shot")
    assert (perf.source, perf.fingerprint, ea.report_original_name) == ("unread", None, "chart.png")
    assert perf.read_error.startswith("This is an image")
    assert str(ea.profit_factor) == "1.85"  # typed

    mod = make_api(moderator.username)
    queue = mod.get("/community/eas/queue").get_data(as_text=True)
    assert "could not be machine-read" in queue and 'name="override_reason"' in queue
    refused = form_post(mod, f"/community/eas/{ea.id}/verify")
    assert refused.status_code == 302
    assert "no machine-read report" in mod.get("/community/eas/queue").get_data(as_text=True)
    assert ea_named(session, "Shot")[0].status == "pending" and balance(author) == 0

    form_post(mod, f"/community/eas/{ea.id}/verify", override_reason="Checked the screenshot against the forum thread")
    ea, perf = ea_named(session, "Shot")
    assert ea.status == "verified" and balance(author) == 50
    assert (perf.override_reason, perf.override_by_id) == ("Checked the screenshot against the forum thread", moderator.id)
    entry = session.scalar(select(AdminAction).where(AdminAction.action == "ea.verify_override"))
    assert (entry.actor_id, entry.target, entry.details["reason"]) == (
        moderator.id, f"ExpertAdvisor:{ea.id}", "Checked the screenshot against the forum thread")
    session.rollback()
    page = make_api().get(f"/community/eas/{ea.id}").get_data(as_text=True)
    assert "Verified by a moderator's override: Checked the screenshot" in page


def test_a_reused_report_is_flagged_and_its_second_verification_pays_nothing(forum, session, make_user, make_api,
                                                                             balance):
    alice, bob, moderator = make_user(), make_user(), make_user(role="moderator")
    share(make_api, alice, "Original", raw(STATEMENT), "DetailedStatement.htm")
    # The same trades saved again in another encoding: other bytes, same report.
    share(make_api, bob, "Copy", utf16(raw(STATEMENT)), "copy.htm")
    # The author's own second EA with the summary edited: still the same trades.
    share(make_api, alice, "Again", edit(STATEMENT, "<b>264.68</b>", "<b>1264.68</b>"))
    share(make_api, bob, "Other", raw(HISTORY_EN), "ReportHistory.html")
    ids = {name: ea_named(session, name)[0].id for name in ("Original", "Copy", "Again", "Other")}

    mod = make_api(moderator.username)
    queue = mod.get("/community/eas/queue").get_data(as_text=True)
    items = {name: queue[queue.index(f'id="queue-{i}"'):] for name, i in ids.items()}
    for name in ("Original", "Copy", "Again"):
        flagged = items[name].split('class="card queue-item"')[0]
        assert "Reused report." in flagged, name
        assert "Verify (pays nothing: reused report)" in flagged
    assert "Reused report." not in items["Other"].split('class="card queue-item"')[0]

    form_post(mod, f"/community/eas/{ids['Original']}/verify")
    form_post(mod, f"/community/eas/{ids['Copy']}/verify")
    assert "nothing paid: its report already paid for another EA" in mod.get("/community/eas/queue").get_data(as_text=True)
    form_post(mod, f"/community/eas/{ids['Again']}/verify")
    form_post(mod, f"/community/eas/{ids['Other']}/verify")
    assert (balance(alice), balance(bob)) == (50, 50)  # Original and Other; Copy and Again verified unpaid
    session.expire_all()
    assert {session.get(ExpertAdvisor, i).status for i in ids.values()} == {"verified"}
    assert session.scalar(select(func.count()).select_from(Transfer).where(Transfer.kind == "earn.ea_verified")) == 2
    assert sorted(session.scalars(select(PaidReport.ea_id))) == sorted([ids["Original"], ids["Other"]])
    session.rollback()


def test_a_report_whose_first_ea_was_rejected_still_pays_once(forum, session, make_user, make_api, balance):
    alice, moderator = make_user(), make_user(role="moderator")
    share(make_api, alice, "Wrong file", raw(STATEMENT))
    share(make_api, alice, "Right file", raw(STATEMENT))
    mod = make_api(moderator.username)
    wrong, right = ea_named(session, "Wrong file")[0].id, ea_named(session, "Right file")[0].id
    form_post(mod, f"/community/eas/{wrong}/reject", reason="wrong EA file")
    form_post(mod, f"/community/eas/{right}/verify")
    assert balance(alice) == 50


def test_the_ea_list_sorts_by_profit_factor_and_drawdown(forum, session, make_user, make_api):
    author, moderator = make_user(), make_user(role="moderator")
    share(make_api, author, "Statement", raw(STATEMENT))  # PF 6.80, DD 2.59 %
    share(make_api, author, "History", raw(HISTORY_EN))  # PF 0.76, DD 0.58 %
    share(make_api, author, "Zver", raw(ZVER_GBP))  # PF 0.51, DD 100.67 %
    upload(make_api(author.username), name="Typed")  # PF 1.85, DD 12.5 %, typed
    mod = make_api(moderator.username)
    ea_ids = session.scalars(select(ExpertAdvisor.id)).all()
    session.rollback()  # end the read: on SQLite an open transaction holds the write lock
    for ea_id in ea_ids:
        form_post(mod, f"/community/eas/{ea_id}/verify", override_reason="typed figures checked")

    def order(sort):
        page = make_api().get(f"/community/eas?sort={sort}").get_data(as_text=True)
        return re.findall(r'<a href="/community/eas/\d+">([^<]+)</a>', page)

    assert order("profit_factor") == ["Statement", "Typed", "History", "Zver"]
    assert order("drawdown") == ["History", "Statement", "Typed", "Zver"]
    assert order("newest") == ["Typed", "Zver", "History", "Statement"]
    assert order("nonsense") == order("newest")
    listed = make_api().get("/community/eas?sort=drawdown").get_data(as_text=True)
    assert "-3031.70 pips" in listed and "title=\"figures read from the MetaTrader report\"" in listed


def test_a_report_too_large_or_of_an_unknown_kind_is_refused(forum, session, make_user, make_api):
    api = make_api(make_user().username)
    assert upload(api, report=raw(STATEMENT), report_name="statement.exe").status_code == 400
    assert session.scalar(select(func.count()).select_from(EAPerformance)) == 0
    session.rollback()


def test_the_admin_queue_shows_failed_checks_and_reuse(forum, session, make_user, make_api):
    alice, bob, moderator = make_user(), make_user(), make_user(role="moderator")
    share(make_api, alice, "Original", raw(STATEMENT))
    share(make_api, bob, "Edited copy", edit(STATEMENT, "<b>264.68</b>", "<b>1264.68</b>"))
    page = make_api(moderator.username).get("/admin/ea_queue/").get_data(as_text=True)
    assert "machine-read mt4_statement · CHECKS FAILED" in page and "machine-read mt4_statement · checks passed" in page
    assert "REUSED REPORT, also on EA #" in page and "net 54.68 USD · PF 6.80 · DD 2.59 %" in page
    assert "The statement gives a balance of 1264.68, but its deposits and trades make 264.68." in page
