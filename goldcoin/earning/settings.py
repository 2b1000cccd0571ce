"""Named settings of the economy, stored in `earning_settings` as text, each
with a type, a default and a meaning here.

A value is checked where it is entered (the admin form and set_setting call
`parse`), so members never meet a value their code cannot read; a row that
predates the check and does not parse reads as the default (and is logged)
rather than failing a member's request.
"""
import logging
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .models import EarningSetting

log = logging.getLogger(__name__)

# The most any one forum event may pay, whatever its type's setting says (the
# size of the largest admin adjustment), and the largest multiplier an admin
# may set: their product (1e9) stays within every column that counts coins.
EVENT_AMOUNT_CEILING = 10_000_000
MULTIPLIER_CEILING = 100
EVENT_TYPES = ("post.upvoted", "ea.verified", "solution.accepted", "bounty.awarded", "challenge.won", "member.referred")
# Events whose `amount` names what they pay; the other types pay their rule's
# amount and a larger `amount` on them is refused the same way.
_EVENT_MAX_DEFAULTS = {
    "post.upvoted": 10_000, "ea.verified": 10_000, "solution.accepted": 10_000,
    "bounty.awarded": 100_000, "challenge.won": 100_000, "member.referred": 10_000,
}


def event_max_key(event_type):
    return f"event_max.{event_type}"


_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


@dataclass(frozen=True)
class Setting:
    key: str
    type: str  # "integer", "decimal", "boolean" or "choice"
    default: str
    meaning: str
    minimum: Decimal | int | None = None
    maximum: Decimal | int | None = None
    choices: tuple = ()

    def parse(self, raw):
        """The typed value of `raw`, or ValueError saying what is expected."""
        text = str(raw).strip()
        if self.type == "boolean":
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
            raise ValueError(_("%(key)s is true or false.", key=self.key))
        if self.type == "choice":
            if text not in self.choices:
                raise ValueError(_("%(key)s is one of: %(choices)s.", key=self.key, choices=", ".join(self.choices)))
            return text
        if self.type == "integer":
            if not text.lstrip("-").isdigit():
                raise ValueError(_("%(key)s is %(expected)s.", key=self.key, expected=self._expected()))
            value = int(text)
        else:
            try:
                value = Decimal(text)
            except InvalidOperation:
                value = None
            if value is None or not value.is_finite():
                raise ValueError(_("%(key)s is %(expected)s.", key=self.key, expected=self._expected()))
        if (self.minimum is not None and value < self.minimum) or (self.maximum is not None and value > self.maximum):
            raise ValueError(_("%(key)s is %(expected)s.", key=self.key, expected=self._expected()))
        return value

    def normalize(self, raw):
        """The text stored for `raw` (checked)."""
        value = self.parse(raw)
        if self.type == "boolean":
            return "true" if value else "false"
        return str(value)

    def _expected(self):
        """What a number setting takes, in words of the request's language."""
        low, high = self.minimum, self.maximum
        if self.type == "integer":
            if low is not None and high is not None:
                return _("a whole number from %(low)s to %(high)s", low=low, high=high)
            if low is not None:
                return _("a whole number of at least %(low)s", low=low)
            return _("a whole number")
        if low is not None and high is not None:
            return _("a number from %(low)s to %(high)s", low=low, high=high)
        if low is not None:
            return _("a number of at least %(low)s", low=low)
        return _("a number")

    @property
    def type_label(self):
        if self.type == "choice":
            return _("one of %(choices)s", choices=", ".join(self.choices))
        if self.type == "boolean":
            return _("true or false")
        return self._expected()


SETTINGS = {s.key: s for s in (
    Setting("max_multiplier", "decimal", "3",
            _l("Boosters: the product of global and personal multipliers never exceeds this."),
            minimum=Decimal(1), maximum=Decimal(MULTIPLIER_CEILING)),
    Setting("vote_min_account_age_hours", "integer", "24",
            _l("Votes count toward a post's quality threshold only from accounts at least this many hours old."),
            minimum=0, maximum=24 * 365),
    Setting("vote_requires_activity", "boolean", "true",
            _l("When true, votes count only from voters with some activity of their own: a post, or an earned coin.")),
    Setting("bounty_min", "integer", "10", _l("The smallest bounty a member can put on a question (coins)."),
            minimum=1, maximum=10**9),
    Setting("bounty_max", "integer", "5000", _l("The largest bounty a member can put on a question (coins)."),
            minimum=1, maximum=10**9),
    Setting("bounty_days", "integer", "7", _l("Days a bounty stays open before it expires."), minimum=1, maximum=365),
    Setting("bounty_expiry_policy", "choice", "refund",
            _l("After expiry with no award: refund the owner, or award the top-voted answer (else refund)."),
            choices=("refund", "top_voted")),
    Setting("ea_max_upload_bytes", "integer", str(5 * 1024 * 1024), _l("Largest EA file a member can upload (bytes)."),
            minimum=1, maximum=512 * 1024 * 1024),
    Setting("referral_min_topup_coins", "integer", "100",
            _l("A referred member's first top-up pays the referrer's milestone reward only from this many coins, "
            "so a sock account's token top-up pays nothing."), minimum=0, maximum=10**9),
    Setting("farming_min_coins", "integer", "200",
            _l("Farming alert: a member (or rule) is flagged only with at least this many coins earned today."),
            minimum=1, maximum=10**9),
    Setting("farming_baseline_days", "integer", "7",
            _l("Farming alert: today is compared with the daily average over this many days before it. A member "
            "younger than that (or any member on an install younger than that) has no baseline yet: they are "
            "flagged only from farming_ratio x farming_min_coins."),
            minimum=1, maximum=365),
    Setting("farming_ratio", "decimal", "5",
            _l("Farming alert: today's earnings must be more than this many times the daily baseline."),
            minimum=Decimal(1), maximum=Decimal(1000)),
    *(Setting(event_max_key(kind), "integer", str(most),
              _l("The most one forum event %(kind)s may pay (POST /api/v1/events); a larger amount is refused.", kind=kind),
              minimum=0, maximum=EVENT_AMOUNT_CEILING) for kind, most in _EVENT_MAX_DEFAULTS.items()),
)}

DEFAULTS = {key: s.default for key, s in SETTINGS.items()}


def check_setting(key, value):
    """Why `value` cannot be the setting `key` (None when it can)."""
    setting = SETTINGS.get(key)
    if setting is None:
        return f"unknown setting; use one of {', '.join(sorted(SETTINGS))}"
    try:
        setting.parse(value)
    except ValueError as exc:
        return str(exc)
    return None


def get_setting(session, key):
    """The setting's stored text (checked), or its default."""
    return SETTINGS[key].normalize(get_value(session, key))


def get_value(session, key):
    """The setting's typed value: stored, else the default."""
    setting = SETTINGS[key]
    raw = session.scalar(select(EarningSetting.value).where(EarningSetting.key == key))
    if raw is not None:
        try:
            return setting.parse(raw)
        except ValueError:
            log.warning("setting %s holds %r, which does not parse; the default %s applies", key, raw, setting.default)
    return setting.parse(setting.default)


def get_int(session, key):
    return int(get_value(session, key))


def get_decimal(session, key):
    return Decimal(get_value(session, key))


def get_bool(session, key):
    return bool(get_value(session, key))


def stored_values(session):
    """{key: stored text} of the rows present."""
    return dict(session.execute(select(EarningSetting.key, EarningSetting.value)).all())


def set_setting(session, key, value):
    if key not in SETTINGS:
        raise KeyError(f"unknown setting {key!r}")
    text = SETTINGS[key].normalize(value)
    row = session.get(EarningSetting, key)
    if row is None:
        session.add(EarningSetting(key=key, value=text))
    else:
        row.value = text
    session.flush()
