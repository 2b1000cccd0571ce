"""Fixtures of the Discourse tests: the app configured with a forum, a
Forum stand-in delivering through the test client, and reads that never hold
a transaction open (on SQLite an open read would block the app's writers)."""
import pytest
from sqlalchemy import select

from goldcoin.discourse.models import DiscourseEvent
from goldcoin.earning.models import ExternalMember
from goldcoin.ledger import balance_of, wallet_id
from tests.admin.conftest import PageClient, ReadSession
from tests.discourse.forum import CONNECT_SECRET, FORUM, SECRET, Forum, client_sender


@pytest.fixture
def app_config(app_config):
    app_config.update(DISCOURSE_WEBHOOK_SECRET=SECRET, DISCOURSE_CONNECT_SECRET=CONNECT_SECRET, DISCOURSE_URL=FORUM)
    return app_config


@pytest.fixture
def session(app):
    from goldcoin.extensions import db

    with app.app_context():
        engine = db.engine
    with ReadSession(bind=engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture
def forum(client):
    return Forum(client_sender(client))


class Books:
    """Reads of what the forum's deliveries did."""

    def __init__(self, session):
        self.session = session

    def user_id(self, discourse_id):
        return self.session.scalar(
            select(ExternalMember.user_id).where(ExternalMember.external_id == f"discourse:{discourse_id}")
        )

    def balance(self, discourse_id):
        user_id = self.user_id(discourse_id)
        if user_id is None:
            return None
        value = balance_of(self.session, wallet_id(self.session, user_id))
        self.session.commit()
        return value

    def events(self, **where):
        stmt = select(DiscourseEvent).order_by(DiscourseEvent.id)
        for name, value in where.items():
            stmt = stmt.where(getattr(DiscourseEvent, name) == value)
        return self.session.scalars(stmt).all()


@pytest.fixture
def books(session):
    return Books(session)


@pytest.fixture
def admin_page(app, make_user):
    make_user("chief", role="admin")
    return PageClient(app.test_client()).login("chief")
