"""Base classes of every domain's admin views (Flask-Admin). Every view checks
the role on every request.

- `SecureModelView`: role-gated, CSRF-protected forms, and every create / edit /
  delete written to the audit log (`AdminAction`) in the same transaction.
- `ReadOnlyModelView`: the same without create / edit / delete.
- `SecureBaseView`: role-gated custom pages (their forms use `CSRFForm`).
Set `allow_moderators = True` on a view that moderators may open too.
"""
from collections import OrderedDict
from datetime import datetime, timezone

from flask import abort, current_app, g, redirect, request, url_for
from flask_admin import AdminIndexView, BaseView
from flask_admin.babel import gettext as admin_gettext
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, FilterConverter
from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.form import DateTimeField, SecureForm
from flask_admin.model import typefmt
from flask_admin.model.filters import convert
from flask_admin.model.form import converts
from flask_admin.model.helpers import prettify_name
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import generate_csrf, validate_csrf
from markupsafe import Markup
from sqlalchemy import func, select
from wtforms.csrf.core import CSRF
from wtforms.validators import ValidationError

from goldcoin.extensions import db

from . import audit


class _FlaskWTFCSRF(CSRF):
    """Flask-WTF's session token in the `csrf_token` field, so that admin forms
    pass the app-wide CSRF check (goldcoin.security) and their own validation."""

    def generate_csrf_token(self, csrf_token_field):
        return generate_csrf()

    def validate_csrf_token(self, form, field):
        try:
            validate_csrf(field.data)
        except ValidationError as exc:
            raise ValidationError(exc.args[0] if exc.args else "The CSRF token is invalid.") from None


class CSRFForm(SecureForm):
    """Flask-Admin's SecureForm, carrying Flask-WTF's CSRF token."""

    class Meta(SecureForm.Meta):
        csrf = True
        csrf_class = _FlaskWTFCSRF
        csrf_field_name = "csrf_token"


class UtcDateTimeField(DateTimeField):
    """Flask-Admin's date-time field, whose entries are UTC: it hands the model
    an aware datetime, like the ones read from the database, so an unchanged
    field compares equal and is not recorded as a change."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and self.data.tzinfo is None:
            self.data = self.data.replace(tzinfo=timezone.utc)


class _ModelConverter(AdminModelConverter):
    """Form fields for our column types (core.types): Flask-Admin knows a
    type by its class name, and a TypeDecorator's is its own."""

    @converts("UtcDateTime")
    def convert_utc_datetime(self, field_args, **extra):
        return UtcDateTimeField(**field_args)

    def _get_label(self, name, field_args):
        # Flask-Admin's own falls back to WTForms' English field name for a
        # field that column_labels (when it is set at all) does not name.
        if "label" in field_args:
            return field_args["label"]
        return (self.view.column_labels or {}).get(name) or self.view.prettify_name(name)


class _FilterConverter(FilterConverter):
    """List filters for our column types, as for the types they store as."""

    @convert("UtcDateTime")
    def conv_utc_datetime(self, column, name, **kwargs):
        return self.conv_datetime(column, name, **kwargs)


class _RoleGate:
    """Admins always; moderators only where `allow_moderators` is set.

    Flask-Admin calls is_accessible() before every exposed method of a view
    (BaseView._handle_view), so the check runs on every request."""

    allow_moderators = False

    def is_accessible(self):
        if not current_user.is_authenticated or not current_user.is_active:
            return False
        if current_user.is_admin:
            return True
        return bool(self.allow_moderators and current_user.is_moderator)

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        abort(403, gettext("Admins only."))


def actor_id():
    return current_user.id if current_user.is_authenticated else None


# The members' model view (goldcoin.admin.views.UserView): a member's admin page.
MEMBERS_ENDPOINT = "members"


def _members_view():
    """The members' view when this request may open it, else None (once per request)."""
    if "admin_members_view" not in g:
        views = site_of(current_app)._views
        view = next((v for v in views if getattr(v, "endpoint", None) == MEMBERS_ENDPOINT), None)
        g.admin_members_view = view if view is not None and view.is_accessible() else None
    return g.admin_members_view


def member_cell(user_id, username):
    """A member's username, linked to their admin page when this admin may open
    it (a moderator may not: plain text then)."""
    if user_id is None:
        return ""
    if username is None:
        return f"#{user_id}"
    if _members_view() is None:
        return username
    url = url_for(f"{MEMBERS_ENDPOINT}.details_view", id=user_id)
    return Markup('<a class="member-link" href="{}" title="#{}">{}</a>').format(url, user_id, username)


def _member_formatter(relation):
    def format_member(view, context, model, name):
        user = getattr(model, relation)
        return member_cell(user.id, user.username) if user is not None else ""

    return format_member


def _member_export(relation):
    def export_member(view, context, model, name):
        user = getattr(model, relation)
        return user.username if user is not None else ""

    return export_member


class UsernameFilter(BaseSQLAFilter):
    """Rows whose member, named by the member id `column`, has this username
    (any case). `users` is the members' model (core imports no domain)."""

    contains = False

    def __init__(self, column, name, users):
        super().__init__(column, name)
        self.users = users

    def apply(self, query, value, alias=None):
        value = str(value).strip()
        username = self.users.username
        matches = username.icontains(value, autoescape=True) if self.contains else func.lower(username) == value.lower()
        return query.filter(self.column.in_(select(self.users.id).where(matches)))

    def operation(self):
        return admin_gettext("contains" if self.contains else "equals")


class UsernameContainsFilter(UsernameFilter):
    contains = True


def username_filters(column, name, users):
    """The filters "equals" and "contains" on the username of a member id column."""
    return [UsernameFilter(column, name, users), UsernameContainsFilter(column, name, users)]


def _short_datetime(view, value, name):
    # Stored in UTC (core.types.UtcDateTime), as the forms enter them: seconds
    # are enough in a list (the details page keeps the full value).
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc)
    return value.strftime("%Y-%m-%d %H:%M:%S")


class SecureIndexView(_RoleGate, AdminIndexView):
    allow_moderators = True


class SecureBaseView(_RoleGate, BaseView):
    """A role-gated custom admin page."""


class SecureModelView(_RoleGate, ModelView):
    """Base of every model view: role-gated, CSRF-protected forms, audited changes.

    The audit entry is added inside Flask-Admin's own transaction (before its
    commit), so a change is never committed without its entry. Subclasses may
    override on_model_change/after_model_change freely; the audit hooks below
    wrap Flask-Admin's internal call sites, not those hooks.
    """

    form_base_class = CSRFForm
    model_form_converter = _ModelConverter
    column_type_formatters = {**typefmt.BASE_FORMATTERS, datetime: _short_datetime}
    # Many-to-one relationships to a member (e.g. ("user",)): the list shows the
    # username, linked to the member's admin page, and is searchable and
    # filterable by it. Flask-Admin joins a relationship named in column_list
    # into the list's query (column_auto_select_related): no query per row.
    member_relations = ()

    def __init__(self, model, *args, **kwargs):
        if self.member_relations:
            self._add_member_columns(model)
        super().__init__(model, *args, **kwargs)

    def _add_member_columns(self, model):
        labels = dict(self.column_labels or {})
        formatters = dict(self.column_formatters or {})
        # Flask-Admin exports with column_formatters unless told otherwise: a
        # CSV gets the plain username, not the link.
        exports = dict(formatters if self.column_formatters_export is None else self.column_formatters_export)
        filters, searchable = [], []
        for relation in self.member_relations:
            label = labels.setdefault(relation, _l("Member"))
            labels.setdefault(f"{relation}.username", label)
            formatters.setdefault(relation, _member_formatter(relation))
            exports.setdefault(relation, _member_export(relation))
            prop = getattr(model, relation).property
            (member_id,) = prop.local_columns
            filters += username_filters(member_id, label, prop.mapper.class_)
            searchable.append(f"{relation}.username")
        self.column_labels = labels
        self.column_formatters = formatters
        self.column_formatters_export = exports
        self.column_filters = tuple(self.column_filters or ()) + tuple(filters)
        self.column_searchable_list = tuple(searchable) + tuple(self.column_searchable_list or ())
    # Column headers and form labels are named once, at start-up: lazily, so that
    # each request shows them in its language (goldcoin/core/admin_labels.py).
    def prettify_name(self, name):
        return _l(prettify_name(name))

    _prettify_name = prettify_name

    def _get_filter_groups(self):
        # Filter names are joined into plain strings at start-up ("User / Id"):
        # word each part in this request's language.
        groups = super()._get_filter_groups()
        if not groups:
            return groups
        return OrderedDict((" / ".join(gettext(part) for part in key.split(" / ")), items) for key, items in groups.items())

    def get_export_columns(self):
        # A CSV's headers are the columns' own names (as derived), whatever
        # shorter label the list gives them: what reads the CSV keeps working.
        return [(column, self._prettify_name(column)) for column, _label in super().get_export_columns()]

    def search_placeholder(self):
        if not self.column_searchable_list:
            return None
        names = [getattr(column, "key", column) for column in self.column_searchable_list]
        return ", ".join(str(self.column_labels.get(name) or self.prettify_name(name)) for name in names)

    filter_converter = _FilterConverter()
    can_view_details = True
    page_size = 50

    def _on_model_change(self, form, model, is_created):
        super()._on_model_change(form, model, is_created)
        changes = audit.pending_changes(model)
        session = db.session
        session.flush()
        self.audit_change(session, model, changes, is_created)

    def audit_change(self, session, model, changes, is_created):
        """Write the audit entry of a create/edit. Override to add specific entries."""
        audit.record(
            session,
            actor_id(),
            "model.create" if is_created else "model.edit",
            audit.target_of(model),
            view=self.endpoint,
            changes=audit.redact(changes),
        )

    def delete_model(self, model):
        target = audit.target_of(model)
        values = audit.redact(audit.snapshot(model))
        try:
            audit.record(db.session, actor_id(), "model.delete", target, view=self.endpoint, values=values)
        except Exception:
            db.session.rollback()
            raise
        return super().delete_model(model)


class ReadOnlyModelView(SecureModelView):
    can_create = False
    can_edit = False
    can_delete = False


def site_of(app):
    """The app's Flask-Admin site, to which each domain adds its views."""
    return app.extensions["goldcoin_admin"]
