"""THE one place that keeps the Redis boards current: after each commit.

A Redis error is logged and never reaches the transfer, which has already
committed; `flask goldcoin rebuild-leaderboard` repairs the index.
"""
import logging
from datetime import datetime

from goldcoin.aftercommit import dispatch, subscribe
from goldcoin.ledger.balances import EARNED_KIND_PREFIX

from . import changes, store
from .service import board_keys_for

log = logging.getLogger(__name__)


@subscribe("transfer_posted")
def update_boards(payload):
    if not payload["kind"].startswith(EARNED_KIND_PREFIX):
        return
    keys = board_keys_for(datetime.fromisoformat(payload["created_at"]))
    rows = [
        (key, wallet["user_id"], wallet["delta"], payload["transfer_id"])
        for wallet in payload["wallets"]
        for key in keys
    ]
    if not rows:
        return
    try:
        marked = store.apply(rows)  # with Redis this also marks the boards, for every process
    except Exception:  # noqa: BLE001 - the coins moved; the index is repaired by rebuild
        log.exception("leaderboard: could not update Redis for transfer %s; run rebuild-leaderboard",
                      payload["transfer_id"])
        marked = False
    app = store.get_app()
    if not marked and app is not None:
        changes.mark_local(app, keys)
    # Whoever shows the tops (the realtime pushes) may want to look; by name,
    # so that the leaderboard knows nothing of sockets.
    dispatch("leaderboard_changed", {"boards": keys})
