import pytest
from sqlalchemy import select

from goldcoin.ledger import balance_of, wallet_id


@pytest.fixture
def balance(session):
    """balance(user) -> the member's wallet balance, read fresh."""

    def read(user):
        session.expire_all()
        value = balance_of(session, wallet_id(session, user.id))
        session.rollback()  # end the read: on SQLite an open transaction holds the write lock
        return value

    return read
