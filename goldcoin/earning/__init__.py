"""Earning: rules, caps, boosters, referrals: activity -> coins."""
from .service import (  # noqa: F401
    AwardResult,
    award,
    end_personal_booster,
    ensure_default_rules,
    grant_personal_booster,
    multiplier_for,
)


def init_app(app):
    from goldcoin.core.admin import site_of
    from goldcoin.extensions import db

    from . import api  # noqa: F401 - adds /api/v1/events
    from .admin import register_admin

    register_admin(site_of(app), db)
