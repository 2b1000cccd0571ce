"""The admin tests' page clients, for the walkthrough's tests."""
import pytest

from tests.admin.conftest import admin_page, make_page_client  # noqa: F401
from tests.community.conftest import forum  # noqa: F401


@pytest.fixture(autouse=True)
def _babel_for_flask_admin(app):
    # Flask-Admin translates its templates through Flask-Babel whenever that is
    # installed; until the app sets Babel up itself (the i18n work), do it here.
    try:
        from flask_babel import Babel
    except ImportError:
        return
    if "babel" not in app.extensions:
        Babel(app)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """The demo economy (goldcoin.demo: admin, moderator carol, members alice,
    bob, dave) served by app.py with the payment simulator, for Chromium."""
    from flask_migrate import upgrade

    from goldcoin import create_app
    from goldcoin.demo import create_demo_data
    from goldcoin.extensions import db
    from tests.support.server import running_server

    url = f"sqlite:///{tmp_path_factory.mktemp('walk') / 'demo.db'}"
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        create_demo_data(db.session, app.config)
        db.session.commit()
        db.engine.dispose()
    with running_server({"DATABASE_URL": url, "GOLDCOIN_PAYMENT_SIMULATOR": "1"}) as base:
        yield base
