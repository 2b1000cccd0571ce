"""The demo economy (goldcoin.demo: admin, moderator carol, members alice, bob,
dave) in its own SQLite database, served by app.py for Chromium."""
from contextlib import contextmanager

from flask_migrate import upgrade

from goldcoin import create_app
from goldcoin.demo import create_demo_data
from goldcoin.extensions import db
from tests.support.server import running_server


def build_demo_database(directory, config=None, add=None):
    """Migrate a new SQLite database in `directory` and fill it with the demo
    (then `add(session)` if given); return its URL. `config`: more for create_app."""
    url = f"sqlite:///{directory / 'demo.db'}"
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url, **(config or {})})
    with app.app_context():
        upgrade()
        create_demo_data(db.session, app.config)
        if add:
            add(db.session)
        db.session.commit()
        db.engine.dispose()
    return url


@contextmanager
def served_demo(directory, env=None, add=None):
    """The demo database (build_demo_database) served by app.py with the
    payment simulator (and `env` on top); yield (base URL, database URL)."""
    url = build_demo_database(directory, add=add)
    with running_server({"DATABASE_URL": url, "GOLDCOIN_PAYMENT_SIMULATOR": "1", **(env or {})}) as base:
        yield base, url
