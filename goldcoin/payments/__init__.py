"""Buying coins: packages and bonus tiers (pricing), orders and their one
status transition (orders), providers behind one interface (providers/),
their notifications (ipn), the poller, and the CoinPayments simulator."""
from . import models  # noqa: F401  (the tables exist whenever the app does)


def init_app(app):
    from goldcoin.core.admin import site_of
    from goldcoin.core.cli import add_commands
    from goldcoin.extensions import db

    from . import (
        api,  # noqa: F401 - adds the recharge routes to /api/v1
        providers,
        settings,
    )
    from .admin import register_admin
    from .cli import COMMANDS
    from .views import bp

    settings.configure(app.config)
    providers.configure(app.config)
    if app.config.get("GOLDCOIN_PAYMENT_SIMULATOR"):
        settings.mount_simulator(app)
    app.register_blueprint(bp)
    register_admin(site_of(app), db)
    add_commands(*COMMANDS)
