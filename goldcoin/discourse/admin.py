"""Admin views: the integration's settings (instance URL, which events to
honour) and every delivery received, ping included."""
from flask_admin import expose
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from goldcoin.core.admin import ReadOnlyModelView, SecureModelView
from goldcoin.extensions import db as _db

from .models import HONOURABLE_EVENTS, DiscourseConfig, DiscourseEvent, DiscourseMember
from .settings import config_row, normalize_instance


def _check_instance_url(form, field):
    try:
        field.data = normalize_instance(field.data)
    except ValueError as exc:
        raise ValidationError(f"Give the forum's address, e.g. https://forum.example.com ({exc}).") from None


class SettingsView(SecureModelView):
    column_list = ("instance_url",) + tuple(f"honour_{name}" for name in HONOURABLE_EVENTS) + ("updated_at",)
    form_columns = ("instance_url",) + tuple(f"honour_{name}" for name in HONOURABLE_EVENTS)
    column_labels = {f"honour_{name}": name for name in HONOURABLE_EVENTS}
    form_args = {"instance_url": {"validators": [_check_instance_url]}}
    can_create = False  # one row, created on first use
    can_delete = False

    column_descriptions = {
        "instance_url": _l("The forum's base URL, e.g. https://forum.example.com. Empty: DISCOURSE_URL from the "
                           "environment applies. Deliveries from another forum are refused; sign-in goes there."),
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
