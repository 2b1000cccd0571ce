import pytest

from goldcoin.extensions import db
from goldcoin.ledger import balance_of, wallet_id
from goldcoin.store.service import create_reward


@pytest.fixture
def make_reward(app):
    """make_reward(cost=100, kind="group", code="vip", stock=5, ...) -> reward id (committed)."""

    def make(name=None, cost=100, kind="content_access", **fields):
        with app.app_context():
            data = {"name": name or f"{kind} reward", "cost": cost, "kind": kind}
            data.update(fields)
            reward = create_reward(db.session, data)
            db.session.commit()
            return reward.id

    return make


@pytest.fixture
def balance(app):
    def read(user_id):
        with app.app_context():
            value = balance_of(db.session, wallet_id(db.session, user_id))
            db.session.remove()
            return int(value)

    return read
