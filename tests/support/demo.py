"""The demo economy (goldcoin.demo: admin, moderator carol, members alice, bob,
dave) in its own SQLite database, served by app.py for Chromium."""
from contextlib import contextmanager

from flask_migrate import upgrade

from goldcoin import create_app
from goldcoin.demo import create_demo_data
from goldcoin.extensions import db
from tests.support.server import running_server


@contextmanager
def served_demo(directory, env=None, add=None):
    """Build the demo database in `directory` (then `add(session)` if given),
    serve it with the payment simulator (and `env` on top); yield (base URL,
    database URL)."""
    url = f"sqlite:///{directory / 'demo.db'}"
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        create_demo_data(db.session, app.config)
        if add:
            add(db.session)
        db.session.commit()
        db.engine.dispose()
    with running_server({"DATABASE_URL": url, "GOLDCOIN_PAYMENT_SIMULATOR": "1", **(env or {})}) as base:
        yield base, url
