"""Admin views: earning rules, settings, booster campaigns, personal boosters."""
from flask_admin import expose
from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import NumberRange, Optional, ValidationError

from goldcoin.core.admin import ReadOnlyModelView, SecureModelView
from goldcoin.extensions import db as _db

from .models import BoosterCampaign, EarningRule, EarningSetting, ExternalEvent, PersonalBooster, Referral
from .service import ensure_default_rules
from .settings import SETTINGS, stored_values


class RuleView(SecureModelView):
    column_list = ("code", "name", "enabled", "amount", "daily_cap_coins", "daily_cap_count", "once_per_object",
                   "threshold", "share_percent", "window_days")
    form_columns = ("name", "enabled", "amount", "daily_cap_coins", "daily_cap_count", "once_per_object",
                    "threshold", "share_percent", "window_days", "description")
    form_args = {
        "amount": {"validators": [NumberRange(min=0)]},
        "daily_cap_coins": {"validators": [Optional(), NumberRange(min=1)]},
        "daily_cap_count": {"validators": [Optional(), NumberRange(min=1)]},
        "threshold": {"validators": [Optional(), NumberRange(min=1)]},
        "share_percent": {"validators": [Optional(), NumberRange(min=0, max=100)]},
        "window_days": {"validators": [Optional(), NumberRange(min=0)]},
    }
    can_create = False  # the code is what the earning paths look up; the defaults are seeded
    can_delete = False

    @expose("/")
    def index_view(self):
        # A fresh install shows the brief's defaults, ready to edit.
        ensure_default_rules(_db.session)  # the request boundary commits them
        return super().index_view()


def _check_setting_value(form, field):
    """The value must parse as its key's type; it is stored normalized ("yes" -> "true")."""
    setting = SETTINGS.get(form.key.data)
    if setting is None:
        raise ValidationError("Choose one of the known settings.")
    try:
        field.data = setting.normalize(field.data or "")
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


class SettingView(SecureModelView):
    """Every known key is listed with its type, default and meaning under the
    stored rows; a row's value is checked against its key's type on entry."""

    column_list = ("key", "value")
    form_columns = ("key", "value")
    form_overrides = {"key": SelectField}
    form_args = {
        "key": {"choices": sorted(SETTINGS)},
        "value": {"validators": [_check_setting_value]},
    }
    column_descriptions = {"key": _l("A known setting (the table below says what each means)"),
                           "value": _l("Checked against the setting's type when saved")}
    list_template = "admin/earning_settings_list.html"

    def render(self, template, **kwargs):
        if template == self.list_template:
            stored = stored_values(_db.session)
            kwargs["known_settings"] = [(SETTINGS[key], stored.get(key)) for key in sorted(SETTINGS)]
        return super().render(template, **kwargs)


class CampaignView(SecureModelView):
    column_list = ("name", "multiplier", "rules", "starts_at", "ends_at", "active")
    form_columns = ("name", "multiplier", "rules", "starts_at", "ends_at", "active")
    column_descriptions = {"rules": _l("Comma-separated rule codes; empty = every rule")}
    form_args = {"multiplier": {"validators": [NumberRange(min=0.01)]}}


class PersonalBoosterView(ReadOnlyModelView):
    member_relations = ("user",)
    column_list = ("user", "multiplier", "starts_at", "ends_at", "key")
    column_default_sort = ("id", True)


class ReferralView(ReadOnlyModelView):
    member_relations = ("referrer", "referee")
    column_labels = {"referrer": _l("Referrer"), "referee": _l("Referred member")}
    column_list = ("referrer", "referee", "created_at", "milestone", "milestone_at")
    column_default_sort = ("id", True)


class EventView(ReadOnlyModelView):
    member_relations = ("user",)
    column_list = ("event_id", "type", "user", "object_id", "awarded", "reason", "created_at")
    column_default_sort = ("id", True)


def register_admin(site, db):
    site.add_view(RuleView(EarningRule, db, name=_l("Rules"), endpoint="earning_rules", category=_l("Earning")))
    site.add_view(SettingView(EarningSetting, db, name=_l("Settings"), endpoint="earning_settings", category=_l("Earning")))
    site.add_view(CampaignView(BoosterCampaign, db, name=_l("Booster campaigns"),
                               endpoint="booster_campaigns", category=_l("Earning")))
    site.add_view(
        PersonalBoosterView(PersonalBooster, db, name=_l("Personal boosters"),
                                                         endpoint="personal_boosters", category=_l("Earning"))
    )
    site.add_view(ReferralView(Referral, db, name=_l("Referrals"), endpoint="referrals", category=_l("Earning")))
    site.add_view(EventView(ExternalEvent, db, name=_l("Forum events"), endpoint="forum_events", category=_l("Earning")))
