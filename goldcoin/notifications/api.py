"""Notifications in the JSON API (API.md: /api/v1/me/notifications)."""
from flask_login import current_user

from goldcoin.core.api import MEMBER, bp, doc
from goldcoin.core.schemas import Bool, Int, List, MaxLength, Nested, Schema, Text, column_max
from goldcoin.extensions import db
from goldcoin.security import login_required_json

from .models import Notification
from .service import mark_read, notification_json, recent, unread_count

# One request marks at most this many by id (an IN list of bound parameters;
# SQLite allows some thousands). Without ids, every unread one is marked.
MAX_IDS = 500


class NotificationOut(Schema):
    id = Int(required=True)
    text = Text(required=True)
    url = Text(required=True, allow_none=True)
    created_at = Text(required=True, allow_none=True, metadata={"format": "date-time"})
    read = Bool(required=True)


class NotificationsOut(Schema):
    items = List(Nested(NotificationOut), required=True, metadata={"description": "The most recent, newest first."})
    unread = Int(required=True, metadata={"description": "How many of the member's notifications are unread."})


class ReadIn(Schema):
    ids = List(Int(minimum=1, maximum=column_max(Notification.id)), load_default=None,
               validate=[MaxLength(MAX_IDS, "ids")],
               metadata={"description": "Mark these read; without ids, all of them."})


class ReadOut(Schema):
    marked = Int(required=True, metadata={"description": "How many changed from unread to read."})
    unread = Int(required=True)


@bp.get("/me/notifications")
@login_required_json
@doc(security=MEMBER, refuses=(401,))
@bp.response(200, NotificationsOut)
def my_notifications():
    """The member's recent notifications and the unread count."""
    items = [notification_json(n) for n in recent(db.session, current_user.id)]
    return {"items": items, "unread": unread_count(db.session, current_user.id)}


@bp.post("/me/notifications/read")
@login_required_json
@doc(security=MEMBER, refuses=(401,))
@bp.arguments(ReadIn, required=False)
@bp.response(200, ReadOut)
def read_notifications(data):
    """Mark notifications read: those `ids`, or all."""
    changed = mark_read(db.session, current_user.id, data["ids"])
    return {"marked": changed, "unread": unread_count(db.session, current_user.id)}
