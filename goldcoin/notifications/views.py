"""The notifications page, the member's email settings and the unsubscribe
links of the emails. The JSON twins live in `api`."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from goldcoin.auth.models import User
from goldcoin.core.errors import error_page, refusal_goes_to
from goldcoin.extensions import db
from goldcoin.i18n import current_language, supported
from goldcoin.security import csrf_exempt

from . import email  # noqa: F401 - registers the after-commit mailer
from .compose import SETTINGS_PATH
from .preferences import KINDS, email_choices, kinds_for, save_email_choices, stop_emailing
from .service import mark_read, recent, unread_count
from .unsubscribe import ONE_CLICK_PATH, PAGE_PATH, read_token

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


def _unsubscribing(token):
    """(member, kind) the link names, or None: forged, altered, or the member is gone."""
    named = read_token(token)
    member = db.session.get(User, named[0]) if named else None
    return (member, named[1]) if member else None


def _bad_link():
    return error_page(404, _("This unsubscribe link is not valid. Choose which emails you get in your email "
                             "settings."))


@bp.route(PAGE_PATH, methods=["GET", "POST"])
def unsubscribe(token):
    """The email's "Stop emails like this": no login (the signed link names the
    member), a page that asks, and its button (a form with the CSRF token)."""
    named = _unsubscribing(token)
    if named is None:
        return _bad_link()
    member, kind = named
    # The member's language, whoever's browser opened the link.
    with force_locale(supported(member.language) or current_language()):
        if request.method == "POST":
            stop_emailing(db.session, member.id, kind)
        return render_template("notifications/unsubscribe.html", token=token, label=KINDS[kind][0],
                               done=request.method == "POST")


@bp.route(ONE_CLICK_PATH, methods=["GET", "POST"])
@csrf_exempt
def unsubscribe_one_click(token):
    """List-Unsubscribe-Post (RFC 8058): the mail client POSTs
    "List-Unsubscribe=One-Click" here itself, with no cookie and so no CSRF
    token; the signed token alone is the authority, which is why this one
    endpoint is exempt from CSRF. A forged request can do no more than the
    link's holder could: stop that member's emails of that kind. A GET (a link
    scanner, a client that only opens the URL) changes nothing: it shows the
    page that asks."""
    named = _unsubscribing(token)
    if named is None:
        return _bad_link()
    if request.method == "GET":
        return redirect(url_for(".unsubscribe", token=token))
    if request.form.get("List-Unsubscribe") != "One-Click":
        return error_page(400, _("This address takes the one-click unsubscribe of a mail client only."))
    member, kind = named
    stop_emailing(db.session, member.id, kind)
    with force_locale(supported(member.language) or current_language()):
        return render_template("notifications/unsubscribe.html", token=token, label=KINDS[kind][0], done=True)
