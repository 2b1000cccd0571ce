"""A member's own face of the site: home, profiles, history, sign-up and
login pages, and their JSON twins (`/api/v1/auth/*`, `/api/v1/me*`)."""


def init_app(app):
    from . import api  # noqa: F401 - adds /api/v1/auth/* and /api/v1/me*
    from .context import header_context
    from .views import auth_bp, bp

    app.register_blueprint(bp)
    app.register_blueprint(auth_bp)
    app.context_processor(header_context)
