"""Admin views: the integration's settings (instance URL, which events to
honour) and every delivery received, ping included."""
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms.validators import ValidationError

from goldcoin.core.admin import ReadOnlyModelView, SecureModelView
from goldcoin.extensions import db as _db

from .models import HONOURABLE_EVENTS, DiscourseConfig, DiscourseEvent, DiscourseMember
from .settings import config_row, normalize_instance


def _check_instance_url(form, field):
    try:
        field.data = normalize_instance(field.data)
    except ValueError:
        raise ValidationError(_("Give the forum's address, e.g. https://forum.example.com.")) from None


def _events_acted_on(view, context, model, name):
    """One cell, a line per event: seven boolean columns named by event made the
    one-row list wider than the page at 1280 px (1356 px in 1110)."""
    lines = Markup("").join(
        Markup('<li><code>{}</code> {}</li>').format(event, _("on") if getattr(model, f"honour_{event}") else _("off"))
        for event in HONOURABLE_EVENTS)
    return Markup('<ul class="list-unstyled admin-events">{}</ul>').format(lines)


class SettingsView(SecureModelView):
    column_list = ("instance_url", "events", "updated_at")
    column_formatters = {"events": _events_acted_on}
    form_columns = ("instance_url",) + tuple(f"honour_{name}" for name in HONOURABLE_EVENTS)
    column_labels = {"events": _l("Events acted on"), **{f"honour_{name}": name for name in HONOURABLE_EVENTS}}
    form_args = {"instance_url": {"validators": [_check_instance_url]}}
    can_create = False  # one row, created on first use
    can_delete = False

    column_descriptions = {
        "instance_url": _l("The forum's base URL, e.g. https://forum.example.com. Empty: DISCOURSE_URL from the "
                           "environment applies. Deliveries from another forum are refused; sign-in goes there."),
        "events": _l("The Discourse events Gold Coin acts on; the others are answered 200 and ignored."),
        **{f"honour_{name}": _l("Act on Discourse's %(event)s event (off: answered 200 and ignored).", event=name)
           for name in HONOURABLE_EVENTS},
    }

    @expose("/")
    def index_view(self):
        config_row(_db.session)  # a fresh install shows the row, ready to edit; the request commits it
        return super().index_view()


class EventView(ReadOnlyModelView):
    """Every signed delivery: a ping shows here as status `ping`."""

    member_relations = ("user",)
    column_list = ("received_at", "event_name", "event_type", "event_id", "status", "coins", "user",
                   "object_key", "detail", "instance")
    column_details_list = column_list + ("payload",)
    column_filters = ("event_name", "status", "instance")
    column_searchable_list = ("event_id", "object_key", "detail")
    column_default_sort = ("id", True)


class MemberView(ReadOnlyModelView):
    member_relations = ("user",)
    column_labels = {"username": _l("Forum username")}
    column_list = ("discourse_user_id", "user", "username", "forum_created_at", "trust_level", "has_posted",
                   "created_at")
    column_searchable_list = ("username",)
    column_default_sort = ("id", True)


def register_admin(site, db):
    site.add_view(SettingsView(DiscourseConfig, db, name=_l("Settings"), endpoint="discourse_settings",
                               category=_l("Discourse")))
    site.add_view(EventView(DiscourseEvent, db, name=_l("Events"), endpoint="discourse_events", category=_l("Discourse")))
    site.add_view(MemberView(DiscourseMember, db, name=_l("Members"), endpoint="discourse_members", category=_l("Discourse")))
