"""Earning: rules, caps, boosters, referrals: activity -> coins."""
from .service import AwardResult, award, ensure_default_rules, grant_personal_booster, multiplier_for  # noqa: F401
