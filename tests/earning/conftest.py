"""The earning tests' fixtures: a forum token for POST /api/v1/events."""
import pytest

from goldcoin.auth.service import create_token
from goldcoin.extensions import db


@pytest.fixture
def token(app):
    with app.app_context():
        _, plaintext = create_token(db.session, "forum", "events")
        db.session.commit()
    return plaintext
