"""Earning: rules, caps, boosters, referrals: activity -> coins."""
from .service import (  # noqa: F401
    AwardResult,
    award,
    end_personal_booster,
    ensure_default_rules,
    grant_personal_booster,
    multiplier_for,
)
