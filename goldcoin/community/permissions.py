"""Who may do what in the community: the one place where the store's
entitlements meet the community's pages."""
from sqlalchemy import select

from goldcoin.store.entitlements import COMMERCIAL_POSTING, START_BOUNTY, has_privilege
from goldcoin.store.models import PRIVILEGE, Reward
from goldcoin.store.purchases import may_download


def ea_item_key(ea):
    """How an EA is named in the store's purchases."""
    return f"ea:{ea.id}"


def may_post_commercial(session, user):
    """May `user` start threads or reply in a commercial section? Moderators,
    and members holding the store's commercial-posting privilege."""
    if not (user and user.is_authenticated):
        return False
    return user.is_moderator or has_privilege(session, user.id, COMMERCIAL_POSTING)


def privilege_offer(session, code):
    """The store's reward that grants privilege `code` (the cheapest active
    one), for the page that tells a member what they lack; None when the
    store sells none."""
    return session.scalar(select(Reward).where(Reward.kind == PRIVILEGE, Reward.code == code,
                                               Reward.active.is_(True)).order_by(Reward.cost, Reward.id).limit(1))


def commercial_posting_offer(session):
    return privilege_offer(session, COMMERCIAL_POSTING)


def may_start_bounty(session, user):
    """May `user` put a bounty on a question? Moderators, and members holding
    the store's start-bounty privilege."""
    if not (user and user.is_authenticated):
        return False
    return user.is_moderator or has_privilege(session, user.id, START_BOUNTY)


def may_download_ea(session, user, ea):
    """May `user` download the EA's file? The author and moderators always;
    otherwise only a verified EA, and then: free ones to every member, priced
    ones to their buyers, premium ones to content-access holders."""
    if user is None or not user.is_authenticated:
        return False
    if user.id == ea.author_id or user.is_moderator:
        return True
    if ea.status != "verified":
        return False
    return may_download(
        session, user.id, ea_item_key(ea), seller_id=ea.author_id, price=ea.price_coins, premium=ea.is_premium
    )
