"""Which boards may have changed since someone last asked.

The subscriber marks the boards of each committed earn transfer; whoever
shows tops to people (goldcoin.realtime pushes them to browsers) takes the
marks and compares. With Redis the marks are one set every process shares,
`lb:changed`, added by `store.apply` in the same round trip as the index
update: a change committed by a short-lived process (a CLI command, a worker)
is then taken by a server process that holds sockets, after the committing
process may be gone. Without Redis there is one process: the marks are a set
kept on the app.
"""
import logging
import threading

import redis

from . import store

log = logging.getLogger(__name__)

_EXTENSION = "goldcoin.leaderboard.changes"


class _LocalMarks:
    def __init__(self):
        self.lock = threading.Lock()  # the committing thread adds, a background task takes
        self.keys = set()


def init_app(app):
    app.extensions[_EXTENSION] = _LocalMarks()


def mark_local(app, keys):
    """Mark boards in this process only: without Redis, or when it just failed."""
    marks = app.extensions[_EXTENSION]
    with marks.lock:
        marks.keys.update(keys)


def take(app):
    """The boards marked since the last call, in any process; each mark is taken once."""
    marks = app.extensions[_EXTENSION]
    with marks.lock:
        keys, marks.keys = marks.keys, set()
    r, prefix = store.client_and_prefix(app)
    if r is not None:
        try:
            keys.update(r.spop(prefix + store.CHANGED, 1000) or ())
        except redis.RedisError as exc:
            log.warning("leaderboard: could not read changed boards from Redis (%s)", exc)
    return keys


def marked(app):
    """True while some board is marked and not yet taken."""
    marks = app.extensions[_EXTENSION]
    if marks.keys:
        return True
    r, prefix = store.client_and_prefix(app)
    try:
        return r is not None and r.exists(prefix + store.CHANGED) > 0
    except redis.RedisError:
        return False
