"""Demo data: a few members with some history, so a newcomer sees an economy."""
from flask_babel import gettext as _
from sqlalchemy import select

from .auth.models import User
from .auth.service import register_member
from .community.demo import create_community_demo
from .ledger import ensure_system_accounts
from .ledger.adjustments import adjust_balance
from .payments.demo import create_payments_demo_data
from .store.demo import create_store_demo

DEMO_MEMBERS = [
    # username, role, password
    ("admin", "admin", "admin-demo-pass"),
    ("alice", "member", "alice-demo-pass"),
    ("bob", "member", "bob-demo-pass"),
    ("carol", "moderator", "carol-demo-pass"),
    ("dave", "member", "dave-demo-pass"),
]


def create_demo_data(session, config=None):
    """Create the demo economy once; returns False if it is already there."""
    if session.scalar(select(User.id).where(User.username == "admin")):
        return False
    ensure_system_accounts(session)
    users = {}
    for username, role, password in DEMO_MEMBERS:
        users[username] = register_member(session, username, f"{username}@example.com", password, role=role)
    # Gifts, so whoever logs in as a demo member can try the store at once.
    for username, coins in (("alice", 200), ("dave", 100)):
        adjust_balance(session, users[username].id, coins, reason=_("Welcome gift for beta testers"),
                       actor_id=users["admin"].id, key=f"demo:gift:{username}")
    # Each domain adds its part through its real code paths (posts upvoted and
    # paid, EAs verified, answers accepted, the store's catalogue, packages).
    create_community_demo(session, config)
    create_store_demo(session, users)
    create_payments_demo_data(session)
    return True
