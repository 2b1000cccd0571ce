"""The reward store: rewards, redemptions, entitlements, titles, paid content.

`redeem_reward` and `buy_item` move coins only through the ledger; the rest
of the app asks `goldcoin.store.entitlements` what a member may do.
"""
from . import models  # noqa: F401  (the tables exist whenever the app does)


def init_app(app):
    from goldcoin.core.admin import site_of
    from goldcoin.core.cli import add_commands
    from goldcoin.extensions import db

    from . import api  # noqa: F401 - adds the store's /api/v1 routes
    from .admin import register_admin
    from .cli import COMMANDS
    from .views import bp

    app.register_blueprint(bp)
    register_admin(site_of(app), db)
    add_commands(*COMMANDS)
