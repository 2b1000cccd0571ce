"""Community pages: the forum, bounties, challenges and the invite page (the
EA library's pages are in ea_views.py, on this blueprint). Each view parses
the form, calls a domain function and redirects; a refusal returns to
`refusal_goes_to` with its message (see goldcoin.core.errors), and the
request boundary commits."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from goldcoin.core.errors import refusal_goes_to
from goldcoin.earning.models import Referral
from goldcoin.earning.referrals import referral_code_for
from goldcoin.earning.service import active_campaigns
from goldcoin.earning.settings import get_bool, get_int
from goldcoin.extensions import db
from goldcoin.store.entitlements import marks_of

from . import bounties, challenges, service
from .errors import CommunityError
from .invites import invite_terms
from .models import (
    Bounty,
    Challenge,
    ChallengeEntry,
    ExpertAdvisor,
    Post,
    Section,
    Thread,
    Vote,
)
from .permissions import commercial_posting_offer, may_post_commercial, may_start_bounty

bp = Blueprint("community", __name__, url_prefix="/community")


@bp.app_context_processor
def _booster_banner():
    try:
        campaigns = active_campaigns(db.session)
    except Exception:  # noqa: BLE001 - a page must render even before migrations ran
        db.session.rollback()
        campaigns = []
    return {"active_boosters": campaigns}


def done(message, target, ok=True):
    flash(message, "success" if ok else "info")
    return redirect(target)


def get_or_404(model, object_id):
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
    return render_template("community/section.html", section=sec, threads=threads, can_post=can_post,
                           posting_offer=_posting_offer(sec, can_post))


def _posting_offer(sec, can_post):
    """For a member locked out of a commercial section: the store item that
    lets them in (None also when the store sells none)."""
    if can_post or not sec.is_commercial or not current_user.is_authenticated:
        return None
    return commercial_posting_offer(db.session)


@bp.post("/s/<slug>/threads")
@login_required
def new_thread(slug):
    sec = db.session.scalar(select(Section).where(Section.slug == slug))
    if sec is None:
        abort(404)
    refusal_goes_to(url_for(".section", slug=slug))
    thread = service.create_thread(db.session, current_user, sec, request.form.get("title"), request.form.get("body"))
    return done(_("Posted."), url_for(".thread", thread_id=thread.id))


@bp.get("/t/<int:thread_id>")
def thread(thread_id):
    th = get_or_404(Thread, thread_id)
    posts = db.session.scalars(select(Post).where(Post.thread_id == th.id).order_by(Post.id)).all()
    votes = dict(db.session.execute(
        select(Vote.post_id, func.count(Vote.id)).join(Post, Post.id == Vote.post_id)
        .where(Post.thread_id == th.id).group_by(Vote.post_id)).all())
    mine = set()
    if current_user.is_authenticated:
        mine = set(db.session.scalars(select(Vote.post_id).join(Post, Post.id == Vote.post_id)
                                      .where(Post.thread_id == th.id, Vote.user_id == current_user.id)))
    bounty = db.session.scalar(select(Bounty).where(Bounty.thread_id == th.id))
    can_reply = current_user.is_authenticated and (
        not th.section.is_commercial or may_post_commercial(db.session, current_user))
    return render_template(
        "community/thread.html", thread=th, posts=posts, votes=votes, mine=mine, bounty=bounty,
        marks=marks_of(db.session, [p.author_id for p in posts]),
        quality=service.quality_status(db.session, posts, votes),
        vote_rules={"hours": get_int(db.session, "vote_min_account_age_hours"),
                    "activity": get_bool(db.session, "vote_requires_activity")},
        first_id=posts[0].id if posts else None,
        can_reply=can_reply, posting_offer=_posting_offer(th.section, can_reply),
        can_bounty=current_user.is_authenticated and may_start_bounty(db.session, current_user),
    )


@bp.post("/t/<int:thread_id>/reply")
@login_required
def reply(thread_id):
    th = get_or_404(Thread, thread_id)
    refusal_goes_to(url_for(".thread", thread_id=th.id))
    post = service.reply(db.session, current_user, th, request.form.get("body"))
    return done(_("Posted."), url_for(".thread", thread_id=th.id) + f"#post-{post.id}")


@bp.post("/p/<int:post_id>/vote")
@login_required
def vote(post_id):
    post = get_or_404(Post, post_id)
    target = url_for(".thread", thread_id=post.thread_id) + f"#post-{post.id}"
    refusal_goes_to(target)
    service.upvote(db.session, current_user, post)
    return done(_("Upvoted."), target)


@bp.post("/p/<int:post_id>/unvote")
@login_required
def unvote(post_id):
    post = get_or_404(Post, post_id)
    service.remove_vote(db.session, current_user, post)
    return done(_("Vote removed."), url_for(".thread", thread_id=post.thread_id) + f"#post-{post.id}")


@bp.post("/p/<int:post_id>/remove")
@login_required
def remove(post_id):
    post = get_or_404(Post, post_id)
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
    return done(message, target)


@bp.post("/t/<int:thread_id>/accept/<int:post_id>")
@login_required
def accept(thread_id, post_id):
    th, post = get_or_404(Thread, thread_id), get_or_404(Post, post_id)
    refusal_goes_to(url_for(".thread", thread_id=th.id))
    result = service.accept_answer(db.session, current_user, th, post)
    if result and result.paid:
        message = _("Answer accepted. %(name)s earned %(coins)s coins.", name=post.author.username, coins=result.paid)
    else:
        message = _("Answer accepted.")
    return done(message, url_for(".thread", thread_id=th.id))


@bp.post("/t/<int:thread_id>/bounty")
@login_required
def start_bounty(thread_id):
    th = get_or_404(Thread, thread_id)
    target = url_for(".thread", thread_id=th.id)
    refusal_goes_to(target)
    try:
        amount = int(request.form.get("amount", ""))
    except ValueError:
        raise CommunityError(_("The bounty must be a whole number of coins.")) from None
    bounties.start_bounty(db.session, current_user, th, amount)
    return done(_("%(coins)s coins are now held in escrow for the best answer.", coins=amount), target)


@bp.post("/bounties/<int:bounty_id>/award/<int:post_id>")
@login_required
def award_bounty(bounty_id, post_id):
    bounty, post = get_or_404(Bounty, bounty_id), get_or_404(Post, post_id)
    target = url_for(".thread", thread_id=bounty.thread_id)
    refusal_goes_to(target)
    bounties.award_bounty(db.session, current_user, bounty, post)
    return done(_("Bounty of %(coins)s coins awarded to %(name)s.", coins=bounty.amount, name=post.author.username), target)


# Challenges -----------------------------------------------------------------

@bp.get("/challenges")
def challenge_list():
    rows = db.session.scalars(select(Challenge).order_by(Challenge.id.desc())).all()
    return render_template("community/challenges.html", challenges=rows)


@bp.get("/challenges/<int:challenge_id>")
def challenge_detail(challenge_id):
    ch = get_or_404(Challenge, challenge_id)
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
    return render_template("community/challenge.html", challenge=ch, entries=entries, my_posts=my_posts, my_eas=my_eas,
                           entered_with=challenges.entered_with(db.session, entries))


@bp.post("/challenges/<int:challenge_id>/enter")
@login_required
def challenge_enter(challenge_id):
    ch = get_or_404(Challenge, challenge_id)
    target = url_for(".challenge_detail", challenge_id=ch.id)
    post_id = request.form.get("post_id", type=int)
    ea_id = request.form.get("ea_id", type=int)
    refusal_goes_to(target)
    challenges.enter_challenge(db.session, current_user, ch, post_id=post_id, ea_id=ea_id, note=request.form.get("note", ""))
    return done(_("You are in. Good luck!"), target)


# Referrals ------------------------------------------------------------------

@bp.get("/referral")
@login_required
def referral():
    code = referral_code_for(db.session, current_user.id)
    referred = db.session.scalar(select(func.count(Referral.id)).where(Referral.referrer_id == current_user.id))
    link = current_app.config["GOLDCOIN_PUBLIC_URL"].rstrip("/") + url_for("auth.register", ref=code)
    return render_template("community/referral.html", code=code, link=link, referred=referred,
                           terms=invite_terms(db.session))
