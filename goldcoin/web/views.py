"""Member pages. Each view: call a domain function, render."""
from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import func, select

from goldcoin.auth.models import User
from goldcoin.extensions import db
from goldcoin.leaderboard import top_earners
from goldcoin.ledger import history, wallet_id
from goldcoin.members import member_summary

from .history import balance_series, history_csv

bp = Blueprint("web", __name__)


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
        recent=history(db.session, wallet_id(db.session, current_user.id), limit=10),
        own=True,
    )


@bp.get("/u/<username>")
def public_profile(username):
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    if user is None:
        abort(404, "No such member.")
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
        rows=rows,
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
