"""A rejected EA can be edited and resubmitted by its author: the rejection
reason is shown to them, the edit goes back to the moderators' queue, and the
verification reward is paid at most once per EA however often it is
rejected, resubmitted and verified."""
import io
import os

from sqlalchemy import select, update

from goldcoin.community.models import EAPerformance, ExpertAdvisor
from goldcoin.core.audit import AdminAction
from goldcoin.ledger.models import Transfer
from tests.community.conftest import form_post
from tests.community.test_ea_library import PERFORMANCE, only_ea, upload
from tests.reports.helpers import STATEMENT, raw


def edit(api, ea_id, file=None, report=None, **fields):
    """POST the edit form; `file` and `report` are (bytes, name)."""
    data = dict(PERFORMANCE, **fields)
    if file:
        data["file"] = (io.BytesIO(file[0]), file[1])
    if report:
        data["report"] = (io.BytesIO(report[0]), report[1])
    return api.client.post(f"/community/eas/{ea_id}/edit", data=data, headers={"X-CSRFToken": api.csrf},
                           content_type="multipart/form-data")


def stored(app, name):
    return os.path.join(app.config["UPLOAD_FOLDER"], "eas", name)


def earned(session, ea_id):
    rows = session.scalars(select(Transfer).where(Transfer.kind == "earn.ea_verified")).all()
    session.rollback()
    return [(t.amount, t.idempotency_key) for t in rows]


def test_the_author_edits_a_rejected_ea_and_resubmits_it_and_its_verification_pays_once(
        app, forum, session, make_user, make_api, balance):
    author, moderator = make_user(), make_user(role="moderator")
    me, mod = make_api(author.username), make_api(moderator.username)
    assert upload(me).status_code == 302  # typed figures, no report
    ea = only_ea(session)
    old_file = ea.file_name
    assert form_post(mod, f"/community/eas/{ea.id}/reject", reason="Attach the Strategy Tester report.").status_code == 302

    page = me.get(f"/community/eas/{ea.id}").get_data(as_text=True)
    assert 'id="ea-rejection"' in page and "Attach the Strategy Tester report." in page
    assert f'href="/community/eas/{ea.id}/edit"' in page
    form = me.get(f"/community/eas/{ea.id}/edit")
    assert form.status_code == 200
    body = form.get_data(as_text=True)
    assert "Attach the Strategy Tester report." in body and 'value="TrendRider v2"' in body
    assert "Current file: trendrider.ex4" in body

    r = edit(me, ea.id, file=(b"\x00EA-V3", "trendrider3.ex4"), report=(raw(STATEMENT), "DetailedStatement.htm"),
             name="TrendRider v3", price_coins="10", is_premium="1")
    assert r.status_code == 302, r.get_data(as_text=True)[-800:]
    ea = only_ea(session)
    assert (ea.status, ea.name, ea.price_coins, ea.is_premium, ea.original_name) == (
        "pending", "TrendRider v3", 10, True, "trendrider3.ex4")
    assert (ea.symbol, str(ea.net_profit)) == ("eurgbpi", "54.68")  # the new report's figures
    perf = session.scalar(select(EAPerformance).where(EAPerformance.ea_id == ea.id))
    assert perf.source == "report"
    assert session.scalar(select(AdminAction.action).where(AdminAction.action == "ea.resubmit")) == "ea.resubmit"
    session.rollback()
    assert not os.path.exists(stored(app, old_file))  # the replaced file went with the edit
    assert open(stored(app, ea.file_name), "rb").read() == b"\x00EA-V3"

    queue = mod.get("/community/eas/queue").get_data(as_text=True)
    assert f'id="resubmitted-{ea.id}"' in queue and "Rejected before: Attach the Strategy Tester report." in queue

    # Rejected again, resubmitted with no new file: the report and its figures stay.
    assert form_post(mod, f"/community/eas/{ea.id}/reject", reason="Say which broker.").status_code == 302
    assert edit(me, ea.id, name="TrendRider v3", description="ICMarkets, raw spread").status_code == 302
    ea = only_ea(session)
    assert (ea.status, ea.description, ea.symbol, ea.report_original_name) == (
        "pending", "ICMarkets, raw spread", "eurgbpi", "DetailedStatement.htm")

    assert form_post(mod, f"/community/eas/{ea.id}/verify").status_code == 302
    assert balance(author) == 50
    # Verified is final: no edit, no second verification, no second reward.
    refused = edit(me, ea.id, name="Sneaky")
    assert refused.status_code == 302 and only_ea(session).name == "TrendRider v3"
    assert form_post(mod, f"/community/eas/{ea.id}/verify").status_code == 302
    assert balance(author) == 50
    assert earned(session, ea.id) == [(50, f"earn:ea_verified:ea:{ea.id}")]


def test_an_ea_put_back_to_rejected_and_verified_again_pays_nothing_the_second_time(
        app, forum, session, make_user, make_api, balance):
    """Even an EA whose status was put back by hand (a database fix) cannot be
    paid twice: the reward's key is the EA's."""
    author, moderator = make_user(), make_user(role="moderator")
    me, mod = make_api(author.username), make_api(moderator.username)
    upload(me)
    ea = only_ea(session)
    form_post(mod, f"/community/eas/{ea.id}/reject", reason="Typed figures look too good.")
    assert edit(me, ea.id, profit_factor="1.40").status_code == 302
    assert form_post(mod, f"/community/eas/{ea.id}/verify", override_reason="checked by hand").status_code == 302
    assert balance(author) == 50

    session.execute(update(ExpertAdvisor).where(ExpertAdvisor.id == ea.id).values(status="rejected"))
    session.commit()
    assert edit(me, ea.id, profit_factor="1.30").status_code == 302
    assert only_ea(session).status == "pending"
    assert form_post(mod, f"/community/eas/{ea.id}/verify", override_reason="checked again").status_code == 302
    assert only_ea(session).status == "verified"
    assert balance(author) == 50
    assert earned(session, ea.id) == [(50, f"earn:ea_verified:ea:{ea.id}")]


def test_only_the_author_edits_and_only_a_rejected_ea(app, forum, session, make_user, make_api):
    author, moderator, other = make_user(), make_user(role="moderator"), make_user()
    me, mod = make_api(author.username), make_api(moderator.username)
    upload(me)
    ea = only_ea(session)
    # Pending: waiting in the queue, not editable (the moderator must verify what they saw).
    pending = me.get(f"/community/eas/{ea.id}/edit")
    assert pending.status_code == 302 and pending.headers["Location"].endswith(f"/community/eas/{ea.id}")
    assert edit(me, ea.id, name="Changed while queued").status_code == 302
    assert only_ea(session).name == "TrendRider v2"

    form_post(mod, f"/community/eas/{ea.id}/reject", reason="No report.")
    assert make_api(other.username).get(f"/community/eas/{ea.id}/edit").status_code == 404  # not even visible
    assert edit(make_api(other.username), ea.id, name="Hijacked").status_code == 404
    assert mod.get(f"/community/eas/{ea.id}/edit").status_code == 403
    assert edit(mod, ea.id, name="Moderated").status_code == 403

    # A bad edit: the form again with the error, and nothing changed.
    bad = edit(me, ea.id, file=(b"MZ", "setup.exe"), name="Renamed")
    assert bad.status_code == 400 and 'id="ea-upload-error"' in bad.get_data(as_text=True)
    assert "Why a moderator rejected it:" in bad.get_data(as_text=True)
    huge = edit(me, ea.id, name="Renamed", price_coins="99999999999999999999")
    assert huge.status_code == 400 and "must be at most 2147483647" in huge.get_data(as_text=True)
    ea_now = only_ea(session)
    assert (ea_now.status, ea_now.name, ea_now.file_name) == ("rejected", "TrendRider v2", ea.file_name)
    assert os.path.isfile(stored(app, ea.file_name))
