"""The EA library's pages (on the community blueprint, so their endpoints
are community.ea_*): the list, uploads and resubmissions, an EA's page with
its proof, purchases and downloads, and the moderators' verification queue."""
import os

from flask import abort, current_app, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from goldcoin.core.errors import refusal_goes_to
from goldcoin.extensions import db, limiter

from . import eas, performance
from .chart import balance_chart
from .errors import CommunityError
from .models import PENDING, VERIFIED, EAPerformance, ExpertAdvisor
from .permissions import may_download_ea
from .views import bp, done, get_or_404


@bp.context_processor
def _ea_rules():
    # The upload form and the EA page state the price rule with the author's share.
    from goldcoin.store.purchases import DEFAULT_AUTHOR_SHARE_PERCENT

    return {"author_share": DEFAULT_AUTHOR_SHARE_PERCENT}


# How the EA list sorts: the proof's figures (NULL, i.e. not stated, last).
EA_SORTS = {
    "newest": lambda: ExpertAdvisor.id.desc(),
    "profit_factor": lambda: EAPerformance.profit_factor.desc().nulls_last(),
    "drawdown": lambda: EAPerformance.max_drawdown_pct.asc().nulls_last(),
}


@bp.get("/eas")
def ea_list():
    sort = request.args.get("sort") if request.args.get("sort") in EA_SORTS else "newest"
    rows = db.session.scalars(
        select(ExpertAdvisor).outerjoin(EAPerformance, EAPerformance.ea_id == ExpertAdvisor.id)
        .where(ExpertAdvisor.status == VERIFIED).order_by(EA_SORTS[sort](), ExpertAdvisor.id.desc())).all()
    mine = []
    if current_user.is_authenticated:
        mine = db.session.scalars(select(ExpertAdvisor).where(ExpertAdvisor.author_id == current_user.id,
                                                               ExpertAdvisor.status != VERIFIED)).all()
    return render_template("community/eas.html", eas=rows, mine=mine, sort=sort, shown=performance.shown)


def _upload_limit():
    # Each upload may write megabytes (and reads a report): a limit per member.
    return current_app.config["EA_UPLOAD_RATE_LIMIT"]


def _member_key():
    return f"member:{current_user.id}" if current_user.is_authenticated else request.remote_addr


def _submitted():
    """upload_ea's and resubmit_ea's arguments from the form; a file input
    left empty gives no file (an edit then keeps the current one)."""
    f, files = request.form, request.files
    ea_file, report = files.get("file"), files.get("report")
    has_file, has_report = bool(ea_file and ea_file.filename), bool(report and report.filename)
    # The typed figures are read only when the report cannot be (eas.upload_ea).
    return dict(
        name=f.get("name"), description=f.get("description"),
        file_name=ea_file.filename if has_file else "", file_data=ea_file.read() if has_file else b"",
        symbol=f.get("symbol"), timeframe=f.get("timeframe"), period=f.get("period"),
        net_profit=f.get("net_profit"), profit_factor=f.get("profit_factor"),
        max_drawdown_pct=f.get("max_drawdown_pct"), trades=f.get("trades"), win_rate=f.get("win_rate"),
        price_coins=f.get("price_coins") or 0, is_premium=bool(f.get("is_premium")),
        report_name=report.filename if has_report else None, report_data=report.read() if has_report else None,
    )


def _form_refused(exc, **page):
    # The form comes back with what was typed and the error beside it; the
    # 4xx answer rolls the request back.
    status = exc.status if exc.code in ("payload_too_large", "forbidden", "conflict") else 400
    return render_template("community/ea_new.html", form=request.form, error=str(exc), timeframes=eas.TIMEFRAMES,
                           **page), status


def _uploaded(ea, what):
    perf = ea.performance
    target = url_for(".ea_detail", ea_id=ea.id)
    if perf.source == "unread":
        return done(_("%(what)s, but the report could not be read: %(error)s A moderator will judge it by hand.",
                      what=what, error=perf.read_error), target, ok=False)
    if perf.machine_read:
        return done(_("%(what)s. Your report was machine-read. A moderator will verify it soon.", what=what), target)
    return done(_("%(what)s. A moderator will verify it soon.", what=what), target)


@bp.route("/eas/new", methods=["GET", "POST"])
@login_required
@limiter.limit(_upload_limit, key_func=_member_key, methods=["POST"])
def ea_new():
    if request.method == "GET":
        return render_template("community/ea_new.html", form={}, timeframes=eas.TIMEFRAMES)
    try:
        ea = eas.upload_ea(db.session, current_user, current_app.config["UPLOAD_FOLDER"], **_submitted())
    except CommunityError as exc:
        return _form_refused(exc)
    return _uploaded(ea, _("Uploaded"))


def _edit_form(ea):
    """The edit form starts from the EA as it is."""
    return {"name": ea.name, "description": ea.description, "timeframe": ea.timeframe, "symbol": ea.symbol,
            "period": ea.period, "net_profit": ea.net_profit, "profit_factor": ea.profit_factor,
            "max_drawdown_pct": ea.max_drawdown_pct, "trades": ea.trades, "win_rate": ea.win_rate,
            "price_coins": ea.price_coins, "is_premium": ea.is_premium}


@bp.route("/eas/<int:ea_id>/edit", methods=["GET", "POST"])
@login_required
@limiter.limit(_upload_limit, key_func=_member_key, methods=["POST"])
def ea_edit(ea_id):
    ea = _visible_ea(ea_id)
    if current_user.id != ea.author_id:
        abort(403, _("Only the EA's author can edit it."))
    if not eas.may_resubmit(current_user, ea):
        return done(_("Only a rejected EA can be edited and resubmitted."), url_for(".ea_detail", ea_id=ea.id),
                    ok=False)
    if request.method == "GET":
        return render_template("community/ea_new.html", form=_edit_form(ea), timeframes=eas.TIMEFRAMES, ea=ea)
    try:
        eas.resubmit_ea(db.session, current_user, ea, current_app.config["UPLOAD_FOLDER"], **_submitted())
    except CommunityError as exc:
        db.session.rollback()  # the form shows the EA as it is stored, with what was typed
        return _form_refused(exc, ea=get_or_404(ExpertAdvisor, ea_id))
    return _uploaded(ea, _("Resubmitted"))


def _visible_ea(ea_id):
    ea = get_or_404(ExpertAdvisor, ea_id)
    mine = current_user.is_authenticated and (current_user.id == ea.author_id or current_user.is_moderator)
    if ea.status != VERIFIED and not mine:
        abort(404)
    return ea


@bp.get("/eas/<int:ea_id>")
def ea_detail(ea_id):
    ea = _visible_ea(ea_id)
    can_download = current_user.is_authenticated and may_download_ea(db.session, current_user, ea)
    # A priced EA the member cannot download yet is one they can buy.
    can_buy = current_user.is_authenticated and not can_download and ea.status == VERIFIED and ea.price_coins > 0
    return render_template("community/ea_detail.html", ea=ea, can_download=can_download, can_buy=can_buy,
                           **_proof(ea))


def _proof(ea):
    """What the EA pages show of its proof: figures, curve, reuse (for moderators)."""
    perf = ea.performance
    curve = balance_chart(perf.balance_curve, performance.unit(perf)) if perf and perf.machine_read else None
    reused = performance.same_report(db.session, ea) if current_user.is_authenticated and current_user.is_moderator else []
    return {"perf": perf, "figures": performance.shown(ea), "chart": curve, "reused": reused,
            "format_names": performance.FORMAT_NAMES}


@bp.post("/eas/<int:ea_id>/buy")
@login_required
def ea_buy(ea_id):
    ea = _visible_ea(ea_id)
    if ea.status != VERIFIED:
        abort(404)
    target = url_for("community.ea_detail", ea_id=ea.id)
    refusal_goes_to(target)
    eas.buy_ea(db.session, current_user, ea)
    return done(_("You bought %(name)s. Download it any time; it is yours.", name=ea.name), target)


@bp.get("/eas/<int:ea_id>/download")
@login_required
def ea_download(ea_id):
    ea = _visible_ea(ea_id)
    if not may_download_ea(db.session, current_user, ea):
        abort(403, _("You do not have access to this EA."))
    path = eas.file_path(current_app.config["UPLOAD_FOLDER"], ea.file_name)
    if not os.path.isfile(path):
        abort(404)
    return send_file(path, as_attachment=True, download_name=ea.original_name, mimetype=eas.content_type(ea.original_name))


@bp.get("/eas/<int:ea_id>/report")
def ea_report(ea_id):
    ea = _visible_ea(ea_id)
    if not ea.report_file_name:
        abort(404)
    path = eas.file_path(current_app.config["UPLOAD_FOLDER"], ea.report_file_name)
    if not os.path.isfile(path):
        abort(404)
    # Always an attachment: an uploaded HTML report must never render on our origin.
    return send_file(path, as_attachment=True, download_name=ea.report_original_name or "report",
                     mimetype="application/octet-stream")


@bp.get("/eas/queue")
@login_required
def ea_queue():
    if not current_user.is_moderator:
        abort(403)
    rows = db.session.scalars(select(ExpertAdvisor).where(ExpertAdvisor.status == PENDING).order_by(ExpertAdvisor.id)).all()
    return render_template("community/ea_queue.html", items=[(ea, _proof(ea)) for ea in rows])


def _ea_for_moderator(ea_id):
    """The EA a moderator reviews from the queue, where a refusal returns."""
    ea = get_or_404(ExpertAdvisor, ea_id)
    if not current_user.is_moderator:
        abort(403)
    refusal_goes_to(url_for(".ea_queue"))
    return ea


@bp.post("/eas/<int:ea_id>/verify")
@login_required
def ea_verify(ea_id):
    ea = _ea_for_moderator(ea_id)
    result = eas.verify_ea(db.session, current_user, ea, override_reason=request.form.get("override_reason"))
    if result.reason == "report_reused":
        return done(_("Verified %(name)s; nothing paid: its report already paid for another EA.", name=ea.name),
                    url_for(".ea_queue"), ok=False)
    return done(_("Verified %(name)s; the author earned %(coins)s coins.", name=ea.name, coins=result.paid),
                url_for(".ea_queue"))


@bp.post("/eas/<int:ea_id>/reject")
@login_required
def ea_reject(ea_id):
    ea = _ea_for_moderator(ea_id)
    eas.reject_ea(db.session, current_user, ea, request.form.get("reason"))
    return done(_("Rejected %(name)s.", name=ea.name), url_for(".ea_queue"))
