"""The notifications page. The JSON twins live in `api`."""
from flask import Blueprint, render_template
from flask_login import current_user, login_required

from goldcoin.extensions import db

from . import email  # noqa: F401 - registers the after-commit mailer
from .service import mark_read, recent, unread_count

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
    return render_template("notifications/list.html", items=items)
