"""Fixtures: every test starts from a known, empty database (SQLite or PostgreSQL,
chosen with --db) and ends by checking the ledger's invariants."""
import itertools
import os

# Before goldcoin is imported: its settings are read from the environment at
# import time, and apps made in the test process must not pick gevent (nothing
# here runs a gevent hub, so their background tasks would never start).
os.environ.setdefault("GOLDCOIN_ASYNC_MODE", "threading")

import pytest  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from goldcoin import create_app  # noqa: E402
from goldcoin.extensions import db  # noqa: E402
from goldcoin.ledger import balance_of, ensure_system_accounts, reconcile, wallet_id  # noqa: E402
from goldcoin.ledger.adjustments import adjust_balance  # noqa: E402
from tests.support.mail import smtp_server  # noqa: E402
from tests.support.services import create_pg_database, delete_prefix, redis_for_tests  # noqa: E402


def pytest_addoption(parser):
    parser.addoption(
        "--db",
        default=os.environ.get("GOLDCOIN_TEST_DB", "sqlite"),
        choices=("sqlite", "postgresql"),
        help="database the suite runs against",
    )



@pytest.fixture(scope="session")
def db_kind(request):
    return request.config.getoption("--db")


@pytest.fixture(scope="session")
def database_url(db_kind, tmp_path_factory):
    if db_kind == "sqlite":
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "goldcoin-test.db")
        return
    url, drop = create_pg_database()
    yield url
    drop()


@pytest.fixture(scope="session")
def _schema(database_url):
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return database_url


def _empty_all_tables():
    tables = [t.name for t in db.metadata.sorted_tables]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    else:
        for name in reversed(tables):
            db.session.execute(text(f'DELETE FROM "{name}"'))
    db.session.commit()


@pytest.fixture
def app_config(_schema, tmp_path):
    """Overrides for create_app; tests may add to it before using `app`."""
    return {
        "ENV_NAME": "testing",
        "SQLALCHEMY_DATABASE_URI": _schema,
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "GOLDCOIN_ASYNC_MODE": "threading",
    }


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    with app.app_context():
        _empty_all_tables()
        ensure_system_accounts(db.session)
        db.session.commit()
    yield app
    # After-commit work still running in background tasks (leaderboard push
    # checks read the database) must not overlap the next test's TRUNCATE.
    from goldcoin.realtime.leaderboard_push import idle

    idle(app)
    with app.app_context():
        db.session.rollback()
        report = reconcile(db.session)
        db.session.remove()
        db.engine.dispose()
    assert report.ok, "ledger invariants broken:\n" + "\n".join(report.lines())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def session(app):
    """A plain SQLAlchemy session on the test database, for domain functions.

    It is not the app's scoped session and holds no app context open, so that
    test-client requests made meanwhile get their own context (and `g`)."""
    with app.app_context():
        engine = db.engine
    with Session(bind=engine) as session:
        yield session


@pytest.fixture
def balance(session):
    """balance(user) -> the member's wallet balance, read fresh."""

    def read(user):
        session.expire_all()
        value = balance_of(session, wallet_id(session, user.id))
        session.rollback()  # end the read: on SQLite an open transaction holds the write lock
        return value

    return read


_numbers = itertools.count(1)


@pytest.fixture
def make_user(app):
    """make_user(coins=500, role="member") -> User, committed, with that balance."""

    def make(username=None, *, coins=0, role="member", password="password123", email=None):
        from goldcoin.auth.service import register_member

        with app.app_context():
            username = username or f"member{next(_numbers)}"
            user = register_member(db.session, username, email or f"{username}@example.com", password, role=role)
            if coins:
                adjust_balance(db.session, user.id, coins, reason="test funds", key=f"test-funds:{user.id}")
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return make


class ApiClient:
    """The Flask test client speaking JSON with a session cookie and CSRF header."""

    def __init__(self, client):
        self.client = client
        self.csrf = None

    def fetch_csrf(self):
        self.csrf = self.client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
        return self.csrf

    def login(self, username, password="password123"):
        self.fetch_csrf()
        response = self.post("/api/v1/auth/login", {"username": username, "password": password})
        assert response.status_code == 200, response.get_json()
        self.csrf = response.get_json()["csrf_token"]  # logging in replaces the session's CSRF token
        return response

    def _headers(self, headers):
        merged = {"X-CSRFToken": self.csrf} if self.csrf else {}
        merged.update(headers or {})
        return merged

    def get(self, path, **kwargs):
        return self.client.get(path, **kwargs)

    def post(self, path, json=None, headers=None, **kwargs):
        return self.client.post(path, json=json, headers=self._headers(headers), **kwargs)


@pytest.fixture
def api(client):
    return ApiClient(client)


@pytest.fixture
def make_api(app):
    """A fresh ApiClient (own cookie jar) per call, e.g. one per member."""

    def make(username=None, password="password123"):
        api = ApiClient(app.test_client())
        if username:
            api.login(username, password)
        return api

    return make


@pytest.fixture
def events_token(app):
    """A forum's Bearer token of scope `events`, for POST /api/v1/events."""
    from goldcoin.auth.service import create_token

    with app.app_context():
        _, plaintext = create_token(db.session, "forum", "events")
        db.session.commit()
    return plaintext


@pytest.fixture
def mailbox():
    """A real SMTP server (aiosmtpd) on a free port, keeping what it receives."""
    with smtp_server() as box:
        yield box


@pytest.fixture(scope="session")
def redis_service():
    url, prefix = redis_for_tests()
    yield url, prefix
    delete_prefix(url, prefix)


@pytest.fixture
def empty_database_url(db_kind, tmp_path):
    """A database with no tables yet, of the --db kind (for the migration tests)."""
    if db_kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrate.db'}"
        return
    url, drop = create_pg_database()
    yield url
    drop()
