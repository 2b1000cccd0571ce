"""Register, log in, log out as pages. The JSON twins live in goldcoin.api.auth."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from goldcoin.extensions import db, limiter

from .service import AuthError, authenticate, register_member
from goldcoin.earning.referrals import record_referral

bp = Blueprint("auth", __name__)


def _safe_next(target):
    """Only redirect to our own paths after login (no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("web.profile"))
    error = None
    if request.method == "POST":
        try:
            user = register_member(
                db.session,
                request.form.get("username", "").strip(),
                request.form.get("email", "").strip(),
                request.form.get("password", ""),
            )
        except AuthError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            record_referral(db.session, user.id, request.form.get("referral_code") or request.args.get("ref"))
            db.session.commit()
            login_user(user)
            flash(f"Welcome to Gold Coin, {user.username}!", "success")
            return redirect(url_for("web.profile"))
    return render_template("auth/register.html", error=error, form=request.form), 400 if error else 200


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("web.profile"))
    error = None
    if request.method == "POST":
        user = authenticate(db.session, request.form.get("username", ""), request.form.get("password", ""))
        if user is None:
            error = "Wrong username or password."
        elif not user.is_active:
            error = "This account is banned."
        else:
            login_user(user, remember=bool(request.form.get("remember")))
            return redirect(_safe_next(request.args.get("next")) or url_for("web.profile"))
    return render_template("auth/login.html", error=error, form=request.form), 401 if error else 200


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    # Logging out changes state, so it takes a POST with a CSRF token; a GET
    # (an old bookmark) shows the button.
    if request.method == "POST":
        logout_user()
        flash("You are logged out.", "info")
        return redirect(url_for("web.home"))
    if not current_user.is_authenticated:
        return redirect(url_for("web.home"))
    return render_template("auth/logout.html")
