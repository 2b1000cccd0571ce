"""GET /api/v1/leaderboard (API.md, Leaderboard)."""
from goldcoin.core.api import PUBLIC, bp, doc
from goldcoin.core.schemas import Int, List, Nested, Schema, Text, one_of
from goldcoin.extensions import db

from .service import PERIODS, top_earners


class LeaderboardQuery(Schema):
    period = Text(load_default="all", validate=[one_of(PERIODS)])
    limit = Int(load_default=10, minimum=1, maximum=100, strict=False)


class LeaderboardRow(Schema):
    rank = Int(required=True)
    user_id = Int(required=True)
    username = Text(required=True)
    coins = Int(required=True, metadata={"description": "Coins earned in the period."})


class LeaderboardOut(Schema):
    period = Text(required=True, validate=[one_of(PERIODS)])
    items = List(Nested(LeaderboardRow), required=True)


@bp.get("/leaderboard")
@doc(security=PUBLIC)
@bp.arguments(LeaderboardQuery, location="query")
@bp.response(200, LeaderboardOut)
def leaderboard(query):
    """The top earners of all time, this month or this week."""
    return {"period": query["period"], "items": top_earners(db.session, query["limit"], query["period"])}
