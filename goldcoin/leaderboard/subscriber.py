"""THE one place that keeps the Redis boards current: after each commit.

A Redis error is logged and never reaches the transfer, which has already
committed; `flask goldcoin rebuild-leaderboard` repairs the index.
"""
import logging
from datetime import datetime

from goldcoin.aftercommit import subscribe
from goldcoin.ledger.service import EARNED_KIND_PREFIX

from . import store
from .service import board_keys_for

log = logging.getLogger(__name__)


@subscribe("transfer_posted")
def update_boards(payload):
    if not payload["kind"].startswith(EARNED_KIND_PREFIX):
        return
    keys = board_keys_for(datetime.fromisoformat(payload["created_at"]))
    changes = [
        (key, wallet["user_id"], wallet["delta"], payload["transfer_id"])
        for wallet in payload["wallets"]
        for key in keys
    ]
    if not changes:
        return
    try:
        store.apply(changes)
    except Exception:  # noqa: BLE001 - the coins moved; the index is repaired by rebuild
        log.exception("leaderboard: could not update Redis for transfer %s; run rebuild-leaderboard",
                      payload["transfer_id"])
    # The top of a board may have changed: let browsers know (throttled).
    from goldcoin.realtime.leaderboard_push import boards_touched

    boards_touched(keys)
