from flask import request

from goldcoin.core.api import bp
from goldcoin.core.errors import ApiError
from goldcoin.core.parse import query_int
from goldcoin.extensions import db

from .service import PERIODS, top_earners


@bp.get("/leaderboard")
def leaderboard():
    period = request.args.get("period", "all")
    if period not in PERIODS:
        raise ApiError("bad_request", "period must be one of all, month, week.")
    limit = query_int("limit", default=10, minimum=1, maximum=100)
    return {"period": period, "items": top_earners(db.session, limit, period)}
