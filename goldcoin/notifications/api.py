"""Notifications in the JSON API (API.md: /api/v1/me/notifications)."""
from flask import jsonify
from flask_login import current_user

from goldcoin.core.api import bp
from goldcoin.core.errors import ApiError
from goldcoin.core.parse import optional_json_body
from goldcoin.extensions import db
from goldcoin.security import login_required_json

from .service import mark_read, notification_json, recent, unread_count


@bp.get("/me/notifications")
@login_required_json
def my_notifications():
    items = [notification_json(n) for n in recent(db.session, current_user.id)]
    return jsonify(items=items, unread=unread_count(db.session, current_user.id))


@bp.post("/me/notifications/read")
@login_required_json
def read_notifications():
    data = optional_json_body()
    ids = data.get("ids")
    if ids is not None:
        if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
            raise ApiError("bad_request", "'ids' must be a list of integers.")
    changed = mark_read(db.session, current_user.id, ids)
    return jsonify(marked=changed, unread=unread_count(db.session, current_user.id))
