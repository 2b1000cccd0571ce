"""Community pages. Each view parses the form, calls a domain function and
redirects; a refusal returns to `refusal_goes_to` with its message (see
goldcoin.core.errors), and the request boundary commits."""
import os

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from goldcoin.core.errors import refusal_goes_to
from goldcoin.earning.models import Referral
from goldcoin.earning.referrals import referral_code_for
from goldcoin.earning.service import active_campaigns
from goldcoin.earning.settings import get_bool, get_int
from goldcoin.extensions import db, limiter
from goldcoin.store.entitlements import marks_of

from . import bounties, challenges, eas, performance, service
from .chart import balance_chart
from .errors import CommunityError
from .models import (
    PENDING,
    VERIFIED,
    Bounty,
    Challenge,
    ChallengeEntry,
    EAPerformance,
    ExpertAdvisor,
    Post,
    Section,
    Thread,
    Vote,
)
from .permissions import may_download_ea, may_post_commercial, may_start_bounty

bp = Blueprint("community", __name__, url_prefix="/community")


@bp.app_context_processor
def _booster_banner():
    try:
        campaigns = active_campaigns(db.session)
    except Exception:  # noqa: BLE001 - a page must render even before migrations ran
        db.session.rollback()
        campaigns = []
    return {"active_boosters": campaigns}


@bp.context_processor
def _ea_rules():
    # The upload form and the EA page state the price rule with the author's share.
    from goldcoin.store.purchases import DEFAULT_AUTHOR_SHARE_PERCENT

    return {"author_share": DEFAULT_AUTHOR_SHARE_PERCENT}


def _done(message, target, ok=True):
    flash(message, "success" if ok else "info")
    return redirect(target)


def _get(model, object_id):
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


@bp.get("/")
def index():
    counts = dict(db.session.execute(select(Thread.section_id, func.count(Thread.id)).group_by(Thread.section_id)).all())
    return render_template(
        "community/index.html",
        sections=service.sections(db.session),
        counts=counts,
        open_bounties=db.session.scalars(
            select(Bounty).where(Bounty.status == "open").order_by(Bounty.id.desc()).limit(10)
        ).all(),
        challenges=db.session.scalars(select(Challenge).order_by(Challenge.id.desc()).limit(5)).all(),
    )


@bp.get("/s/<slug>")
def section(slug):
    sec = db.session.scalar(select(Section).where(Section.slug == slug))
    if sec is None:
        abort(404)
    threads = db.session.scalars(select(Thread).where(Thread.section_id == sec.id).order_by(Thread.id.desc()).limit(100)).all()
    can_post = current_user.is_authenticated and (not sec.is_commercial or may_post_commercial(db.session, current_user))
    return render_template("community/section.html", section=sec, threads=threads, can_post=can_post)


@bp.post("/s/<slug>/threads")
@login_required
def new_thread(slug):
    sec = db.session.scalar(select(Section).where(Section.slug == slug))
    if sec is None:
        abort(404)
    refusal_goes_to(url_for(".section", slug=slug))
    thread = service.create_thread(db.session, current_user, sec, request.form.get("title"), request.form.get("body"))
    return _done("Posted.", url_for(".thread", thread_id=thread.id))


@bp.get("/t/<int:thread_id>")
def thread(thread_id):
    th = _get(Thread, thread_id)
    posts = db.session.scalars(select(Post).where(Post.thread_id == th.id).order_by(Post.id)).all()
    votes = dict(db.session.execute(
        select(Vote.post_id, func.count(Vote.id)).join(Post, Post.id == Vote.post_id)
        .where(Post.thread_id == th.id).group_by(Vote.post_id)).all())
    mine = set()
    if current_user.is_authenticated:
        mine = set(db.session.scalars(select(Vote.post_id).join(Post, Post.id == Vote.post_id)
                                      .where(Post.thread_id == th.id, Vote.user_id == current_user.id)))
    bounty = db.session.scalar(select(Bounty).where(Bounty.thread_id == th.id))
    return render_template(
        "community/thread.html", thread=th, posts=posts, votes=votes, mine=mine, bounty=bounty,
        marks=marks_of(db.session, [p.author_id for p in posts]),
        quality=service.quality_status(db.session, posts, votes),
        vote_rules={"hours": get_int(db.session, "vote_min_account_age_hours"),
                    "activity": get_bool(db.session, "vote_requires_activity")},
        first_id=posts[0].id if posts else None,
        can_reply=current_user.is_authenticated
        and (not th.section.is_commercial or may_post_commercial(db.session, current_user)),
        can_bounty=current_user.is_authenticated and may_start_bounty(db.session, current_user),
    )


@bp.post("/t/<int:thread_id>/reply")
@login_required
def reply(thread_id):
    th = _get(Thread, thread_id)
    refusal_goes_to(url_for(".thread", thread_id=th.id))
    post = service.reply(db.session, current_user, th, request.form.get("body"))
    return _done("Posted.", url_for(".thread", thread_id=th.id) + f"#post-{post.id}")


@bp.post("/p/<int:post_id>/vote")
@login_required
def vote(post_id):
    post = _get(Post, post_id)
    target = url_for(".thread", thread_id=post.thread_id) + f"#post-{post.id}"
    refusal_goes_to(target)
    service.upvote(db.session, current_user, post)
    return _done("Upvoted.", target)


@bp.post("/p/<int:post_id>/unvote")
@login_required
def unvote(post_id):
    post = _get(Post, post_id)
    service.remove_vote(db.session, current_user, post)
    return _done("Vote removed.", url_for(".thread", thread_id=post.thread_id) + f"#post-{post.id}")


@bp.post("/p/<int:post_id>/remove")
@login_required
def remove(post_id):
    post = _get(Post, post_id)
    target = url_for(".thread", thread_id=post.thread_id)
    if not current_user.is_moderator:
        abort(403)
    refusal_goes_to(target)
    # The form asks for a reason (required) and a confirmation (goldcoin.js, data-confirm).
    removal = service.remove_post(db.session, current_user, post, request.form.get("reason"),
                                  write_off=bool(request.form.get("write_off")))
    taken = removal.clawback.transfer.amount if removal.clawback else 0
    if removal.written_off:
        message = _("Post removed; %(taken)s coins taken back, %(written_off)s written off (already spent).",
                    taken=taken, written_off=removal.written_off)
    elif taken:
        message = _("Post removed; %(taken)s coins clawed back.", taken=taken)
    else:
        message = _("Post removed.")
    return _done(message, target)


@bp.post("/t/<int:thread_id>/accept/<int:post_id>")
@login_required
def accept(thread_id, post_id):
    th, post = _get(Thread, thread_id), _get(Post, post_id)
    refusal_goes_to(url_for(".thread", thread_id=th.id))
    result = service.accept_answer(db.session, current_user, th, post)
    paid = f" {post.author.username} earned {result.paid} coins." if result and result.paid else ""
    return _done("Answer accepted." + paid, url_for(".thread", thread_id=th.id))


@bp.post("/t/<int:thread_id>/bounty")
@login_required
def start_bounty(thread_id):
    th = _get(Thread, thread_id)
    target = url_for(".thread", thread_id=th.id)
    refusal_goes_to(target)
    try:
        amount = int(request.form.get("amount", ""))
    except ValueError:
        raise CommunityError(_("The bounty must be a whole number of coins.")) from None
    bounties.start_bounty(db.session, current_user, th, amount)
    return _done(f"{amount} coins are now held in escrow for the best answer.", target)


@bp.post("/bounties/<int:bounty_id>/award/<int:post_id>")
@login_required
def award_bounty(bounty_id, post_id):
    bounty, post = _get(Bounty, bounty_id), _get(Post, post_id)
    target = url_for(".thread", thread_id=bounty.thread_id)
    refusal_goes_to(target)
    bounties.award_bounty(db.session, current_user, bounty, post)
    return _done(f"Bounty of {bounty.amount} coins awarded to {post.author.username}.", target)


# EA library -----------------------------------------------------------------

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


@bp.route("/eas/new", methods=["GET", "POST"])
@login_required
@limiter.limit(_upload_limit, key_func=_member_key, methods=["POST"])
def ea_new():
    if request.method == "GET":
        return render_template("community/ea_new.html", form={}, timeframes=eas.TIMEFRAMES)
    # The typed figures are read only when the report cannot be (eas.upload_ea).
    f, files = request.form, request.files
    ea_file, report = files.get("file"), files.get("report")
    try:
        ea = eas.upload_ea(
            db.session, current_user, current_app.config["UPLOAD_FOLDER"],
            name=f.get("name"), description=f.get("description"),
            file_name=ea_file.filename if ea_file else "", file_data=ea_file.read() if ea_file else b"",
            symbol=f.get("symbol"), timeframe=f.get("timeframe"), period=f.get("period"),
            net_profit=f.get("net_profit"), profit_factor=f.get("profit_factor"),
            max_drawdown_pct=f.get("max_drawdown_pct"), trades=f.get("trades"), win_rate=f.get("win_rate"),
            price_coins=f.get("price_coins") or 0, is_premium=bool(f.get("is_premium")),
            report_name=report.filename if report and report.filename else None,
            report_data=report.read() if report and report.filename else None,
        )
    except CommunityError as exc:
        # The form comes back with what was typed and the error beside it; the
        # 4xx answer rolls the request back.
        status = 413 if exc.code == "payload_too_large" else 400
        return render_template("community/ea_new.html", form=f, error=str(exc), timeframes=eas.TIMEFRAMES), status
    perf = ea.performance
    if perf.source == "unread":
        return _done(f"Uploaded, but the report could not be read: {perf.read_error} A moderator will judge it "
                     "by hand.", url_for(".ea_detail", ea_id=ea.id), ok=False)
    read = "Your report was machine-read. " if perf.machine_read else ""
    return _done(f"Uploaded. {read}A moderator will verify it soon.", url_for(".ea_detail", ea_id=ea.id))


def _visible_ea(ea_id):
    ea = _get(ExpertAdvisor, ea_id)
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
    return _done(f"You bought {ea.name}. Download it any time; it is yours.", target)


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


@bp.post("/eas/<int:ea_id>/verify")
@login_required
def ea_verify(ea_id):
    ea = _get(ExpertAdvisor, ea_id)
    if not current_user.is_moderator:
        abort(403)
    refusal_goes_to(url_for(".ea_queue"))
    result = eas.verify_ea(db.session, current_user, ea, override_reason=request.form.get("override_reason"))
    if result.reason == "report_reused":
        return _done(f"Verified {ea.name}; nothing paid: its report already paid for another EA.", url_for(".ea_queue"), ok=False)
    return _done(f"Verified {ea.name}; the author earned {result.paid} coins.", url_for(".ea_queue"))


@bp.post("/eas/<int:ea_id>/reject")
@login_required
def ea_reject(ea_id):
    ea = _get(ExpertAdvisor, ea_id)
    if not current_user.is_moderator:
        abort(403)
    refusal_goes_to(url_for(".ea_queue"))
    eas.reject_ea(db.session, current_user, ea, request.form.get("reason"))
    return _done(f"Rejected {ea.name}.", url_for(".ea_queue"))


# Challenges -----------------------------------------------------------------

@bp.get("/challenges")
def challenge_list():
    rows = db.session.scalars(select(Challenge).order_by(Challenge.id.desc())).all()
    return render_template("community/challenges.html", challenges=rows)


@bp.get("/challenges/<int:challenge_id>")
def challenge_detail(challenge_id):
    ch = _get(Challenge, challenge_id)
    entries = db.session.scalars(
        select(ChallengeEntry).where(ChallengeEntry.challenge_id == ch.id).order_by(ChallengeEntry.id)
    ).all()
    my_posts, my_eas = [], []
    if current_user.is_authenticated:
        my_posts = db.session.scalars(
            select(Post)
            .where(Post.author_id == current_user.id, Post.removed_at.is_(None))
            .order_by(Post.id.desc())
            .limit(30)
        ).all()
        my_eas = db.session.scalars(select(ExpertAdvisor).where(ExpertAdvisor.author_id == current_user.id)).all()
    return render_template("community/challenge.html", challenge=ch, entries=entries, my_posts=my_posts, my_eas=my_eas)


@bp.post("/challenges/<int:challenge_id>/enter")
@login_required
def challenge_enter(challenge_id):
    ch = _get(Challenge, challenge_id)
    target = url_for(".challenge_detail", challenge_id=ch.id)
    post_id = request.form.get("post_id", type=int)
    ea_id = request.form.get("ea_id", type=int)
    refusal_goes_to(target)
    challenges.enter_challenge(db.session, current_user, ch, post_id=post_id, ea_id=ea_id, note=request.form.get("note", ""))
    return _done("You are in. Good luck!", target)


# Referrals ------------------------------------------------------------------

@bp.get("/referral")
@login_required
def referral():
    code = referral_code_for(db.session, current_user.id)
    referred = db.session.scalar(select(func.count(Referral.id)).where(Referral.referrer_id == current_user.id))
    link = current_app.config["GOLDCOIN_PUBLIC_URL"].rstrip("/") + url_for("auth.register", ref=code)
    return render_template("community/referral.html", code=code, link=link, referred=referred)
