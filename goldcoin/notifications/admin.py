"""Flask-Admin: "Sent mail", the email outbox as sent (or still waiting) with
its text, so that an operator sees what members were told by email (the demo's
mail catcher receives the same messages)."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from goldcoin.core.admin import ReadOnlyModelView

from .models import OutboxEmail


def mail_status(mail):
    if mail.sent_at is not None:
        return _("sent")
    if mail.failed_at is not None:
        return _("given up")
    if mail.attempts:
        return _("retrying")
    return _("waiting")


class SentMailView(ReadOnlyModelView):
    column_list = ("id", "created_at", "to", "subject", "status", "attempts", "sent_at", "body")
    column_details_list = ("id", "created_at", "to", "subject", "status", "attempts", "sent_at", "failed_at",
                           "next_attempt_at", "last_error", "message_id", "body")
    column_labels = {"to": _l("Recipient"), "body": _l("Text"), "status": _l("Status")}
    column_searchable_list = ("to", "subject")
    column_filters = ("to", "sent_at", "failed_at", "created_at")
    column_default_sort = ("id", True)
    column_formatters = {
        "status": lambda view, context, mail, name: mail_status(mail),
        "body": lambda view, context, mail, name: Markup(
            f'<div class="mail-text" style="white-space:pre-wrap;min-width:16rem">{escape(mail.body)}</div>'),
    }


def register_admin(site, db):
    site.add_view(SentMailView(OutboxEmail, db, name=_l("Sent mail"), endpoint="sent_mail"))
