"""The reward store: rewards, redemptions, entitlements, titles, paid content.

`redeem_reward` and `buy_item` move coins only through the ledger; the rest
of the app asks `goldcoin.store.entitlements` what a member may do.
"""
from . import models  # noqa: F401  (the tables exist whenever the app does)
