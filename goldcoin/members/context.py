"""What every page's header shows."""
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from goldcoin.extensions import db
from goldcoin.ledger.models import Account
from goldcoin.store.entitlements import VIP, in_group

NAV = [
    (_l("Community"), "community.index"),
    (_l("Leaderboard"), "leaderboard.page"),
    (_l("Store"), "store.store_page"),
    (_l("Recharge"), "payments.recharge_page"),
]


def header_context():
    if not current_user.is_authenticated:
        return {"header_balance": None, "nav_links": NAV, "header_vip": False}
    balance = db.session.scalar(select(Account.balance).where(Account.user_id == current_user.id))
    # The VIP section is in the menu of its members only; others find VIP in
    # the store, beside the other rewards, rather than in every page's header.
    return {"header_balance": int(balance or 0), "nav_links": NAV,
            "header_vip": in_group(db.session, current_user.id, VIP)}
