"""Paid content (EA downloads): the buyer pays once, the author gets a share.

Rounding: coins are whole. The author's part is `price * percent // 100`
(rounded down); the rest goes to `sink`. So the two parts always add up to
the price exactly, and the author never receives more than their percent.
Example: price 15 at 70% -> author 10 (10.5 rounded down), sink 5.
"""
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from goldcoin.ledger import SINK, lock_accounts, system_account_id, transfer, wallet_id

from .entitlements import has_content_access
from .errors import StoreError
from .models import Purchase

DEFAULT_AUTHOR_SHARE_PERCENT = 70
PURCHASE_KIND = "purchase"


def split_price(price, percent):
    """(author coins, sink coins) for a price; they sum to the price."""
    if isinstance(price, bool) or not isinstance(price, int) or price < 0:
        raise StoreError(_("A price is a whole, non-negative number of coins."))
    if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
        raise StoreError(_("The author's share is a whole percent from 0 to 100."))
    author = price * percent // 100
    return author, price - author


def owns_item(session, user_id, item_key):
    return (
        session.scalar(select(Purchase.id).where(Purchase.buyer_id == user_id, Purchase.item_key == item_key))
        is not None
    )


def may_download(session, user_id, item_key, *, seller_id, price, premium=False, now=None):
    """The download decision for an EA or other paid item.

    Free and not premium: everyone logged in. The author: always. Free and
    premium: `content_access` holders. Priced: whoever bought it - premium or
    not, a Premium Access holder pays a priced EA too, so its author is paid
    (Premium Access opens the premium EAs that have no price).
    """
    if user_id is None:
        return False
    if seller_id is not None and user_id == seller_id:
        return True
    if owns_item(session, user_id, item_key):
        return True
    if premium and price == 0 and has_content_access(session, user_id, now=now):
        return True
    return not premium and price == 0


def buy_item(session, buyer_id, item_key, seller_id, price, author_share_percent=None, title=None):
    """Buy `item_key` once; returns the Purchase (the existing one on a second call).

    The buyer pays `price`: the author's share to the seller's wallet, the
    rest to `sink` (see the module's rounding rule), both transfers and the
    purchase record in one savepoint, or nothing (InsufficientFunds).
    Buying your own item, or a free one, records a purchase of 0 coins.
    `title` names the item in the members' histories (the memo of both
    transfers; the buyer reads "Bought <title>", the author "Sale: <title>").
    """
    percent = DEFAULT_AUTHOR_SHARE_PERCENT if author_share_percent is None else author_share_percent
    if not item_key or len(item_key) > 80:
        raise StoreError(_("An item key has 1 to 80 characters."))
    existing = session.scalar(select(Purchase).where(Purchase.buyer_id == buyer_id, Purchase.item_key == item_key))
    if existing is not None:
        return existing
    own = seller_id is not None and seller_id == buyer_id
    charged = 0 if own else price
    author_part, sink_part = split_price(charged, percent)
    if seller_id is None:  # no author to pay: it all goes to sink
        author_part, sink_part = 0, charged
    buyer_wallet = wallet_id(session, buyer_id)
    sink = system_account_id(session, SINK)
    try:
        with session.begin_nested():
            purchase = Purchase(
                buyer_id=buyer_id,
                item_key=item_key,
                seller_id=seller_id,
                price=charged,
                seller_coins=author_part,
                sink_coins=sink_part,
            )
            session.add(purchase)
            # The unique (buyer, item) row is the "pays once" guard; a
            # concurrent twin waits here and then fails with IntegrityError.
            session.flush()
            if charged:
                accounts = [buyer_wallet, sink]
                seller_wallet = wallet_id(session, seller_id) if author_part else None
                if seller_wallet:
                    accounts.append(seller_wallet)
                lock_accounts(session, accounts)
                base = f"purchase:{buyer_id}:{item_key}"
                memo = (title or item_key)[:255]
                if author_part:
                    transfer(session, buyer_wallet, seller_wallet, author_part, kind=PURCHASE_KIND,
                             key=base + ":author", memo=memo, reference=item_key, actor_id=buyer_id)
                if sink_part:
                    transfer(session, buyer_wallet, sink, sink_part, kind=PURCHASE_KIND,
                             key=base + ":sink", memo=memo, reference=item_key, actor_id=buyer_id)
    except IntegrityError:
        existing = session.scalar(
            select(Purchase).where(Purchase.buyer_id == buyer_id, Purchase.item_key == item_key)
        )
        if existing is None:
            raise
        return existing
    return purchase
