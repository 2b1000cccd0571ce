"""The Flask-Admin site at /admin: members, tokens, the ledger, the dashboard.

Each domain adds its own views to the site from its `init_app` (see
`goldcoin.core.admin.site_of`); the base classes they use live in `goldcoin.core.admin`.
"""
from flask_admin import Admin
from flask_admin.menu import MenuLink
from flask_babel import lazy_gettext as _l

from goldcoin.extensions import db


def init_app(app):
    """One Admin per app (tests build many apps; views hold per-app blueprints).
    Domains add their views after this; `finish` closes the menu."""
    from goldcoin.core.cli import add_commands

    from . import (
        api,  # noqa: F401 - adds /api/v1/admin/adjustments and reversals
        views,
    )
    from .cli import COMMANDS
    from .dashboard import DashboardIndexView

    site = Admin(
        app,
        name=_l("Gold Coin admin"),
        index_view=DashboardIndexView(url="/admin", name=_l("Dashboard")),
    )
    app.extensions["goldcoin_admin"] = site
    views.register(site, db)
    add_commands(*COMMANDS)
    return site


def finish(app):
    """Called once every domain has added its views: the last menu entry."""
    app.extensions["goldcoin_admin"].add_link(MenuLink(name=_l("Back to the site"), url="/"))
