"""The /leaderboard page: one board per tab."""
from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l

from goldcoin.extensions import db

from .service import PERIODS, board_key, top_earners

bp = Blueprint("leaderboard", __name__)

TITLES = {"all": _l("All time"), "month": _l("This month"), "week": _l("This week")}


@bp.get("/leaderboard")
def page():
    period = request.args.get("period", "all")
    if period not in PERIODS:
        period = "all"
    return render_template(
        "leaderboard/index.html",
        period=period,
        board=board_key(period),
        titles=TITLES,
        top=top_earners(db.session, 50, period),
    )
