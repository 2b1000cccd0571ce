"""Admin site: rewards (CRUD, JSON import/export), redemptions, entitlements,
titles and purchases."""
import json

from flask import Response, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.model.widgets import XEditableWidget
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms.validators import Optional, ValidationError

from goldcoin.core.admin import ReadOnlyModelView, SecureModelView
from goldcoin.extensions import db
from goldcoin.formats import KIND_LABELS

from .entitlements import GROUPS, PRIVILEGES, check_code
from .errors import StoreError
from .models import KINDS, Entitlement, MemberTitle, Purchase, Redemption, Reward
from .service import FIELDS, _unique_slug, clean_reward_data, export_rewards, import_rewards, reward_json, slugify


def _json_download(document, filename):
    return Response(
        json.dumps(document, indent=2, ensure_ascii=False) + "\n",
        mimetype="application/json",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


def _either(codes):
    """ "a or b", lazily worded (the description is built at import)."""
    if len(codes) == 2:
        return _l("%(first)s or %(second)s", first=codes[0], second=codes[1])
    return ", ".join(codes)


def _stock_cell(view, context, reward, name):
    if reward.stock is None:
        return _("Unlimited")
    return _("Sold out") if reward.stock == 0 else str(reward.stock)


class _RewardListWidget(XEditableWidget):
    """The list's in-place editor. x-editable shows an empty value as a red
    "Empty": an empty stock is unlimited, so its cell says so (and 0 says "Sold
    out"), while the editor still edits the number."""

    def __call__(self, field, **kwargs):
        if field.short_name == "stock":
            kwargs["data-value"] = "" if field.data is None else str(field.data)
            kwargs["data-emptytext"] = _("Unlimited")
            kwargs["data-emptyclass"] = "stock-unlimited"
            if field.data == 0:
                kwargs["class"] = "stock-sold-out"
        return super().__call__(field, **kwargs)


class RewardView(SecureModelView):
    list_template = "store/admin/reward_list.html"
    column_list = ("id", "name", "kind", "code", "cost", "stock", "per_user_limit", "duration_days", "active", "sort_order")
    column_editable_list = ("active", "sort_order", "stock")
    column_formatters = {"stock": _stock_cell}
    column_filters = ("kind", "active")
    column_searchable_list = ("name", "slug")
    column_default_sort = ("sort_order", False)
    form_columns = FIELDS
    form_choices = {"kind": [(k, KIND_LABELS.get(k, k)) for k in KINDS]}
    form_args = {
        "slug": {"description": _l("Stable identity for JSON import; leave empty to derive it from the name.")},
        "code": {"description": _l("group: %(groups)s (empty: vip); badge: any badge name; privilege: %(privileges)s. "
                                   "Other codes are refused: they unlock nothing.",
                                   groups=", ".join(sorted(GROUPS)), privileges=_either(sorted(PRIVILEGES)))},
        "multiplier": {"description": _l("Boosters only, e.g. 2 for double coins.")},
        "stock": {"description": _l("Empty: unlimited.")},
    }
    can_delete = False  # redemptions point at rewards: deactivate instead

    def get_list_form(self):
        return self.scaffold_list_form(widget=_RewardListWidget())

    def scaffold_form(self):
        form_class = super().scaffold_form()
        # The column is NOT NULL, so Flask-Admin adds InputRequired (and the
        # browser's `required`), but on_model_change derives an empty slug
        # from the name: the form must accept it empty.
        form_class.slug.kwargs["validators"] = [Optional()]
        return form_class

    def on_model_change(self, form, model, is_created):
        data = {name: getattr(model, name) for name in FIELDS}
        if data.get("multiplier") is not None:
            data["multiplier"] = str(data["multiplier"])
        if not data.get("slug"):
            data["slug"] = None
        try:
            fields = clean_reward_data(data)
        except StoreError as exc:
            raise ValidationError(str(exc)) from None
        with db.session.no_autoflush:  # the half-filled model must not be flushed by the slug query
            fields["slug"] = _unique_slug(db.session, fields["slug"] or slugify(fields["name"]), exclude_id=model.id)
        for name, value in fields.items():
            setattr(model, name, value)

    @action("export_json", _l("Export JSON"))
    def action_export_json(self, ids):
        chosen = [int(i) for i in ids]
        rewards = db.session.scalars(select(Reward).where(Reward.id.in_(chosen)).order_by(Reward.sort_order, Reward.id))
        return _json_download({"rewards": [reward_json(r) for r in rewards]}, "rewards.json")

    @expose("/export.json")
    def export_all(self):
        return _json_download(export_rewards(db.session), "rewards.json")

    @expose("/import/", methods=("GET", "POST"))
    def import_json(self):
        if request.method == "POST":
            upload = request.files.get("file")
            try:
                document = json.loads((upload.read() if upload else b"").decode("utf-8"))
                with db.session.begin_nested():  # a refused file imports nothing
                    created, updated = import_rewards(db.session, document)
            except (ValueError, StoreError) as exc:
                flash(_("Import failed: %(exc)s", exc=exc), "error")
            else:
                flash(_("Rewards imported: %(created)s created, %(updated)s updated.", created=created, updated=updated),
                      "success")
                return redirect(url_for(".index_view"))
        return self.render("store/admin/reward_import.html")


class RedemptionView(ReadOnlyModelView):
    member_relations = ("user",)
    column_list = ("id", "created_at", "user", "reward", "cost", "transfer_id")
    column_filters = ("reward_id", "created_at")
    column_default_sort = ("id", True)


class EntitlementView(SecureModelView):
    """Admins may grant (e.g. a moderator's badge) or end entitlements by hand."""

    member_relations = ("user",)
    column_list = ("id", "user", "kind", "code", "expires_at", "redemption_id", "created_at")
    column_filters = ("kind", "code", "expires_at")
    column_default_sort = ("id", True)
    form_columns = ("user_id", "kind", "code", "expires_at")
    form_choices = {"kind": [(k, KIND_LABELS.get(k, k)) for k in KINDS]}

    def on_model_change(self, form, model, is_created):
        try:
            check_code(model.kind, model.code)
        except StoreError as exc:
            raise ValidationError(str(exc)) from None


class MemberTitleView(SecureModelView):
    allow_moderators = True  # moderators clean up offensive titles
    member_relations = ("user",)
    column_list = ("user", "title", "updated_at")
    form_columns = ("title",)
    can_create = False

    def on_model_change(self, form, model, is_created):
        from .entitlements import clean_title

        try:
            model.title = clean_title(model.title)
        except StoreError as exc:
            raise ValidationError(str(exc)) from None


class PurchaseView(ReadOnlyModelView):
    member_relations = ("buyer", "seller")
    column_labels = {"buyer": _l("Buyer"), "seller": _l("Seller")}
    column_list = ("id", "created_at", "buyer", "item_key", "seller", "price", "seller_coins", "sink_coins")
    column_filters = ("item_key",)
    column_default_sort = ("id", True)


def register_admin(site, db):  # noqa: F811 - the one the admin site binds
    site.add_view(RewardView(Reward, db, name=_l("Rewards"), endpoint="rewards", category=_l("Store")))
    site.add_view(RedemptionView(Redemption, db, name=_l("Redemptions"), endpoint="redemptions", category=_l("Store")))
    site.add_view(EntitlementView(Entitlement, db, name=_l("Entitlements"), endpoint="entitlements", category=_l("Store")))
    site.add_view(MemberTitleView(MemberTitle, db, name=_l("Titles"), endpoint="titles", category=_l("Store")))
    site.add_view(PurchaseView(Purchase, db, name=_l("Purchases"), endpoint="purchases", category=_l("Store")))
