"""Community pages: forum, EA library, Q&A, bounties, challenges."""


def init_app(app):
    from goldcoin.core.admin import site_of
    from goldcoin.core.cli import add_commands
    from goldcoin.extensions import db

    from . import (
        api,  # noqa: F401 - adds /api/v1/reports/parse and /api/v1/eas/<id>
        ea_views,  # noqa: F401 - the EA library's pages, on the community blueprint
    )
    from .admin import register_admin
    from .cli import resolve_bounties
    from .views import bp

    app.register_blueprint(bp)
    register_admin(site_of(app), db)
    add_commands(resolve_bounties)
