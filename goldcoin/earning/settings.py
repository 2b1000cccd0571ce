"""Named settings of the economy, stored in `earning_settings` with defaults here.

Every setting has a check (`check_setting`): an admin's typo must be refused
where it is typed, not turn every award that reads it into an error.
"""
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from .models import EarningSetting

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


DEFAULTS = {
    # Boosters: the product of global and personal multipliers never exceeds this.
    "max_multiplier": "3",
    # Votes count toward the quality threshold only from accounts at least this old...
    "vote_min_account_age_hours": "24",
    # ...and (when true) with some activity of their own: a post, or an earned coin.
    "vote_requires_activity": "true",
    "bounty_min": "10",
    "bounty_max": "5000",
    "bounty_days": "7",
    # After expiry with no award: "refund" or "top_voted" (auto-award, else refund).
    "bounty_expiry_policy": "refund",
    "ea_max_upload_bytes": str(5 * 1024 * 1024),
    # The most one forum event of each type may pay (POST /api/v1/events).
    **{event_max_key(t): str(v) for t, v in _EVENT_MAX_DEFAULTS.items()},
}


def _integer(low, high):
    def check(value):
        try:
            number = int(value.strip())
        except ValueError:
            return "must be a whole number"
        if not low <= number <= high:
            return f"must be between {low} and {high}"
        return None

    return check


def _multiplier(value):
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        return "must be a number"
    if not number.is_finite() or not 1 <= number <= MULTIPLIER_CEILING:
        return f"must be between 1 and {MULTIPLIER_CEILING}"
    return None


def _choice(*allowed):
    return lambda value: None if value.strip() in allowed else f"must be one of {', '.join(allowed)}"


_CHECKS = {
    "max_multiplier": _multiplier,
    "vote_min_account_age_hours": _integer(0, 24 * 365),
    "vote_requires_activity": _choice("true", "false", "yes", "no", "1", "0", "on", "off"),
    "bounty_min": _integer(1, EVENT_AMOUNT_CEILING),
    "bounty_max": _integer(1, EVENT_AMOUNT_CEILING),
    "bounty_days": _integer(1, 365),
    "bounty_expiry_policy": _choice("refund", "top_voted"),
    "ea_max_upload_bytes": _integer(1, 100 * 1024 * 1024),
    **{event_max_key(t): _integer(0, EVENT_AMOUNT_CEILING) for t in EVENT_TYPES},
}


def check_setting(key, value):
    """Why `value` cannot be the setting `key` (None when it can)."""
    if key not in DEFAULTS:
        return f"unknown setting; use one of {', '.join(sorted(DEFAULTS))}"
    return _CHECKS[key](str(value))


def get_setting(session, key):
    """The setting's value; the default when unset, or when a stored value
    fails its check (written around the admin, e.g. by SQL)."""
    value = session.scalar(select(EarningSetting.value).where(EarningSetting.key == key))
    return DEFAULTS[key] if value is None or check_setting(key, value) else value.strip()


def get_int(session, key):
    return int(get_setting(session, key))


def get_decimal(session, key):
    return Decimal(get_setting(session, key))


def get_bool(session, key):
    return str(get_setting(session, key)).strip().lower() in ("1", "true", "yes", "on")


def set_setting(session, key, value):
    if key not in DEFAULTS:
        raise KeyError(f"unknown setting {key!r}")
    problem = check_setting(key, value)
    if problem:
        raise ValueError(f"{key} {problem}")
    row = session.get(EarningSetting, key)
    if row is None:
        session.add(EarningSetting(key=key, value=str(value)))
    else:
        row.value = str(value)
    session.flush()
