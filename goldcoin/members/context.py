"""What every page's header shows."""
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from goldcoin.extensions import db
from goldcoin.ledger.models import Account

NAV = [
    (_l("Community"), "community.index"),
    (_l("Leaderboard"), "leaderboard.page"),
    (_l("Store"), "store.store_page"),
    (_l("Recharge"), "payments.recharge_page"),
]


def header_context():
    if not current_user.is_authenticated:
        return {"header_balance": None, "nav_links": NAV}
    balance = db.session.scalar(select(Account.balance).where(Account.user_id == current_user.id))
    return {"header_balance": int(balance or 0), "nav_links": NAV}
