"""Discourse: a forum's signed webhooks pay for likes and accepted answers
and claw back deleted content; its members sign in here with their forum
account (DiscourseConnect). See docs/discourse.md."""


def init_app(app):
    from goldcoin.core.admin import site_of
    from goldcoin.extensions import db

    from .admin import register_admin
    from .views import connect_bp, hooks_bp, sign_in_available

    app.register_blueprint(hooks_bp)
    app.register_blueprint(connect_bp)
    register_admin(site_of(app), db)
    # A function, not a value: only the login page asks, so other pages cost no query.
    app.context_processor(lambda: {"discourse_sign_in_available": sign_in_available})
