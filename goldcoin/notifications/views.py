"""Notification pages and JSON (API.md: /api/v1/me/notifications)."""
from flask import Blueprint, jsonify, render_template
from flask_login import current_user, login_required

from goldcoin.api.blueprint import bp as api_bp
from goldcoin.api.errors import ApiError
from goldcoin.api.parse import optional_json_body
from goldcoin.extensions import db
from goldcoin.security import login_required_json

from . import email  # noqa: F401 - registers the after-commit mailer
from .service import mark_read, notification_json, recent, unread_count

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def _bell():
    if not current_user.is_authenticated:
        return {}
    return {"notifications_unread": unread_count(db.session, current_user.id)}


@bp.get("/notifications")
@login_required
def notifications_page():
    items = recent(db.session, current_user.id)
    mark_read(db.session, current_user.id)
    db.session.commit()
    return render_template("notifications/list.html", items=items)


@api_bp.get("/me/notifications")
@login_required_json
def my_notifications():
    items = [notification_json(n) for n in recent(db.session, current_user.id)]
    return jsonify(items=items, unread=unread_count(db.session, current_user.id))


@api_bp.post("/me/notifications/read")
@login_required_json
def read_notifications():
    data = optional_json_body()
    ids = data.get("ids")
    if ids is not None:
        if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
            raise ApiError("bad_request", "'ids' must be a list of integers.")
    changed = mark_read(db.session, current_user.id, ids)
    db.session.commit()
    return jsonify(marked=changed, unread=unread_count(db.session, current_user.id))
