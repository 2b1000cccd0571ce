"""Named settings of the economy, stored in `earning_settings` with defaults here."""
from decimal import Decimal

from sqlalchemy import select

from .models import EarningSetting

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
}


def get_setting(session, key):
    value = session.scalar(select(EarningSetting.value).where(EarningSetting.key == key))
    return DEFAULTS[key] if value is None else value


def get_int(session, key):
    return int(get_setting(session, key))


def get_decimal(session, key):
    return Decimal(get_setting(session, key))


def get_bool(session, key):
    return str(get_setting(session, key)).strip().lower() in ("1", "true", "yes", "on")


def set_setting(session, key, value):
    if key not in DEFAULTS:
        raise KeyError(f"unknown setting {key!r}")
    row = session.get(EarningSetting, key)
    if row is None:
        session.add(EarningSetting(key=key, value=str(value)))
    else:
        row.value = str(value)
    session.flush()
