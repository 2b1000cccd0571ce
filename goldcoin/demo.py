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
from .store.models import Reward
from .store.service import redeem_reward

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
    join_vip_as_a_member_would(session, users["alice"])
    create_payments_demo_data(session)
    return True


def join_vip_as_a_member_would(session, member):
    """The member buys the VIP group in the store: the store's own redemption
    (coins debited through the ledger, the group entitlement granted), so the
    VIP section has a member and posts to show. bob keeps his coins to try
    joining himself. The client key makes a second run a refused replay
    rather than a second purchase (create_demo_data runs this once anyway)."""
    vip = session.scalar(select(Reward).where(Reward.slug == "vip-group"))
    return redeem_reward(session, member.id, vip.id, "demo-vip")
