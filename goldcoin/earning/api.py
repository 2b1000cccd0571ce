"""POST /api/v1/events: activity from an existing forum (API.md, "Activity events")."""
from flask import current_app, jsonify

from goldcoin.core.api import bp
from goldcoin.core.parse import json_body
from goldcoin.extensions import db, limiter
from goldcoin.security import token_required

from .events import process_event


def _events_limit():
    return current_app.config.get("GOLDCOIN_EVENTS_RATE_LIMIT", "600 per minute")


@bp.post("/events")
@limiter.limit(_events_limit)
@token_required("events")
def post_event():
    data = json_body()
    outcome = process_event(db.session, data)
    # A replayed id answers what the first delivery paid (and pays nothing more),
    # so a forum retrying after a timeout sees the same result.
    return jsonify(event_id=outcome.event_id, awarded=outcome.awarded, replayed=outcome.replayed), 202
