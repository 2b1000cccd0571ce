"""Member pages: home, profiles, history, the VIP section; and register, log in, log out.
Each view: call a domain function, render. The JSON twins live in `api`."""
from urllib.parse import urlsplit

import pytz
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from goldcoin.auth.errors import AuthError
from goldcoin.auth.login_limits import limited_login, remember_device
from goldcoin.auth.models import User
from goldcoin.auth.service import authenticate, register_member
from goldcoin.earning.referrals import record_referral
from goldcoin.extensions import db, limiter
from goldcoin.leaderboard import top_earners
from goldcoin.ledger import history, wallet_id
from goldcoin.security import log_in_member, log_out_member

from .history import balance_series, history_csv, member_lines
from .service import inviter_of, member_summary
from .vip import vip_section

bp = Blueprint("web", __name__)
auth_bp = Blueprint("auth", __name__)


@bp.get("/")
def home():
    return render_template("web/home.html", top=top_earners(db.session, 10))


@bp.get("/profile")
@login_required
def profile():
    return render_template(
        "web/profile.html",
        member=member_summary(current_user),
        top=top_earners(db.session, 10),
        recent=member_lines(history(db.session, wallet_id(db.session, current_user.id), limit=10)),
        own=True,
        time_zones=pytz.common_timezones,
        member_zone=str(get_timezone()),
    )


@bp.get("/u/<username>")
def public_profile(username):
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    if user is None:
        abort(404, _("No such member."))
    own = current_user.is_authenticated and current_user.id == user.id
    return render_template(
        "web/profile.html",
        member=member_summary(user),
        top=top_earners(db.session, 10),
        recent=None,
        own=own,
    )


HISTORY_PAGE = 50


@bp.get("/history")
@login_required
def history_page():
    before = request.args.get("before", type=int)
    rows = history(db.session, wallet_id(db.session, current_user.id), limit=HISTORY_PAGE, before=before)
    return render_template(
        "web/history.html",
        member=member_summary(current_user),
        rows=member_lines(rows),
        next_before=rows[-1][0].id if len(rows) == HISTORY_PAGE else None,
        series=balance_series(db.session, current_user.id),
    )


@bp.get("/history.csv")
@login_required
def history_export():
    return Response(
        history_csv(db.session, current_user.id),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=goldcoin-history-{current_user.username}.csv"},
    )



@bp.get("/vip")
@login_required
def vip_page():
    section = vip_section(db.session, current_user.id)
    if not section.member:
        # What VIP gives and how to join, with the 403 that says it is closed.
        return render_template("store/vip_refused.html", section=section), 403
    return render_template("store/vip.html", section=section)

# ------------------------------------------------------------------ sign up, log in, log out


def _safe_next(target):
    """Only redirect to our own paths after login (no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@auth_bp.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("web.profile"))
    error = None
    # A referral link is /register?ref=<code>; the form carries the code on.
    code = (request.form.get("referral_code") or request.args.get("ref") or "").strip()
    if request.method == "POST":
        try:
            user = register_member(
                db.session,
                request.form.get("username", "").strip(),
                request.form.get("email", "").strip(),
                request.form.get("password", ""),
            )
        except AuthError as exc:
            error = str(exc)  # shown beside the form; the 400 rolls the request back
        else:
            record_referral(db.session, user.id, code)  # an unknown code is ignored: sign-up never fails on it
            log_in_member(user)
            flash(_("Welcome to Gold Coin, %(username)s!", username=user.username), "success")
            return redirect(url_for("web.profile"))
    return render_template(
        "auth/register.html", error=error, form=request.form, referral_code=code[:64], inviter=inviter_of(db.session, code)
    ), 400 if error else 200


@auth_bp.route("/login", methods=["GET", "POST"])
@limited_login
def login():
    if current_user.is_authenticated:
        return redirect(url_for("web.profile"))
    error = None
    if request.method == "POST":
        user = authenticate(db.session, request.form.get("username", ""), request.form.get("password", ""))
        if user is None:
            error = _("Wrong username or password.")
        elif not user.is_active:
            error = _("This account is banned.")
        else:
            log_in_member(user, remember=bool(request.form.get("remember")))
            remember_device(user.username)
            return redirect(_safe_next(request.args.get("next")) or url_for("web.profile"))
    return render_template("auth/login.html", error=error, form=request.form), 401 if error else 200


@auth_bp.route("/logout", methods=["GET", "POST"])
def logout():
    # Logging out changes state, so it takes a POST with a CSRF token; a GET
    # (an old bookmark) shows the button.
    if request.method == "POST":
        log_out_member(everywhere=bool(request.form.get("everywhere")))
        flash(_("You are logged out."), "info")
        return redirect(url_for("web.home"))
    if not current_user.is_authenticated:
        return redirect(url_for("web.home"))
    return render_template("auth/logout.html")
