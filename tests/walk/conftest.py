"""The admin tests' page clients, for the walkthrough's tests."""
import pytest

from tests.admin.conftest import admin_page, make_page_client  # noqa: F401
from tests.community.conftest import forum, make_voter  # noqa: F401


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
