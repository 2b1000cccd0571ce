"""The notifications page and the member's email settings. The JSON twins live in `api`."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from goldcoin.core.errors import refusal_goes_to
from goldcoin.extensions import db

from . import email  # noqa: F401 - registers the after-commit mailer
from .compose import SETTINGS_PATH
from .preferences import email_choices, kinds_for, save_email_choices
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


@bp.route(SETTINGS_PATH, methods=["GET", "POST"])
@login_required
def email_settings():
    if request.method == "POST":
        refusal_goes_to(url_for(".email_settings"))  # a refused form returns here, Referer or not
        save_email_choices(db.session, current_user.id, request.form.getlist("kind"))
        flash(_("Your email settings were saved."), "success")
        return redirect(url_for(".email_settings"))
    return render_template("notifications/email_settings.html", kinds=kinds_for(current_user),
                           choices=email_choices(db.session, current_user.id))
