"""In-site notifications and email, sent only after the database commit."""
from .service import notify, unread_count  # noqa: F401


def init_app(app):
    from goldcoin.core.admin import site_of
    from goldcoin.core.cli import add_commands
    from goldcoin.extensions import db

    from . import api, email  # noqa: F401 - api adds /api/v1/me/notifications*; email is the after-commit mailer
    from .admin import register_admin
    from .cli import COMMANDS
    from .views import bp

    app.register_blueprint(bp)
    register_admin(site_of(app), db)
    add_commands(*COMMANDS)
