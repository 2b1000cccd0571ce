import pytest
from sqlalchemy import select

from tests.support.server import build_demo_database


@pytest.fixture
def forum(app, session):
    """Sections of a fresh forum: general, qa (questions), commercial."""
    from goldcoin.community.models import Section

    sections = {
        "general": Section(slug="general", name="General", position=1),
        "qa": Section(slug="qa", name="Q&A", is_qa=True, position=2),
        "commercial": Section(slug="commercial", name="Commercial", is_commercial=True, position=3),
    }
    session.add_all(sections.values())
    session.commit()
    ids = {slug: s.id for slug, s in sections.items()}
    session.rollback()  # end the read: on SQLite an open transaction holds the write lock
    return ids


@pytest.fixture
def make_voter(session, make_user):
    """A member old enough (2 days) and active (one post) for their votes to count."""
    from datetime import timedelta

    from goldcoin.auth.models import User
    from goldcoin.community.models import Post, Section, Thread
    from goldcoin.ledger.models import utcnow

    def make(age_hours=48, active=True, **kwargs):
        user = make_user(**kwargs)
        session.get(User, user.id).created_at = utcnow() - timedelta(hours=age_hours)
        if active:
            section_id = session.scalar(select(Section.id).order_by(Section.id))
            thread = Thread(section_id=section_id, author_id=user.id, title=f"hello from {user.username}")
            session.add(thread)
            session.flush()
            session.add(Post(thread_id=thread.id, author_id=user.id, body="hi"))
        session.commit()
        return user

    return make


def form_post(api, path, **data):
    """POST a page form with the member's session and CSRF token."""
    return api.client.post(path, data=data, headers={"X-CSRFToken": api.csrf})


@pytest.fixture
def demo_database(tmp_path):
    """The demo economy in its own migrated SQLite database, for a served app.py."""
    return build_demo_database(tmp_path, {"UPLOAD_FOLDER": str(tmp_path / "up")})
