"""POST /api/v1/events: activity from an existing forum (API.md, "Activity events")."""
from flask import current_app

from goldcoin.core.api import EVENTS, bp, doc
from goldcoin.core.schemas import Bool, Int, Schema, Text
from goldcoin.extensions import db, limiter
from goldcoin.security import token_required

from .events import EventIn, process_event


class EventOut(Schema):
    event_id = Text(required=True)
    awarded = Int(required=True, metadata={"description": "The coins this event paid (0 if none)."})
    replayed = Bool(required=True, metadata={
        "description": "True when this id was seen before: the answer is the first delivery's, nothing more is paid."})


def _events_limit():
    return current_app.config.get("GOLDCOIN_EVENTS_RATE_LIMIT", "600 per minute")


@bp.post("/events")
@limiter.limit(_events_limit)
@token_required("events")
@doc(security=EVENTS, refuses=(401, 403, 429))
@bp.arguments(EventIn)
@bp.response(202, EventOut)
def post_event(event):
    """Pay a forum event once: the same id twice pays once."""
    # A replayed id answers what the first delivery paid (and pays nothing more),
    # so a forum retrying after a timeout sees the same result.
    return process_event(db.session, event)
