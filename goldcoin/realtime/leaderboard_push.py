"""Push `leaderboard` {period, items} when the top of a current board changes.

One periodic tick per process and app (a `LeaderboardTick` in app.extensions,
so apps built side by side in tests share nothing): a background task
(`socketio.start_background_task`: a greenlet under gevent, a thread under
threading) that every GOLDCOIN_LEADERBOARD_PUSH_MS takes the boards the
leaderboard marked changed (goldcoin.leaderboard.changes), reads the top 10 of
each current one and emits only if it differs from the last top pushed. The
after-commit subscriber only wakes the task: reads never run on the committing
thread (on SQLite it may hold the lock the read would wait for).

Throttle: at most one push per board per interval. In one process the tick is
the throttle. With Redis any process may push, so a push also takes the window
`lb:push:<board>` (SET NX PX interval) and records its top in `lb:top:<board>`,
in one script, so that all processes agree on "changed". A board whose window
another process holds stays marked here and is looked at again next tick, with
its top as it is by then: the last change of a burst is pushed, not lost.

When the task runs. Without Redis: from the first mark until a tick finds
nothing left to do. With Redis the marks are shared and may come from any
process, also from a CLI command that exits before a tick of its own could
push, so the task runs in the processes that hold sockets: from the first
connection until the last one has gone and nothing is left to retry.
"""
import json
import logging
import threading
from contextlib import contextmanager

import redis

from goldcoin.aftercommit import subscribe
from goldcoin.extensions import db, socketio
from goldcoin.leaderboard import PERIODS, board_key, changes, top_earners
from goldcoin.leaderboard.store import client_and_prefix, get_app

from . import MEMBERS_ROOM

log = logging.getLogger(__name__)

TOP_SIZE = 10
_EXTENSION = "goldcoin.leaderboard_push"
SAME, PUSH, BUSY = 0, 1, 2

# KEYS: lb:top:<board>, lb:push:<board>; ARGV: the top's fingerprint, the window in ms.
CLAIM = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return 0 end
if not redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[2]) then return 2 end
redis.call('SET', KEYS[1], ARGV[1])
return 1
"""


class LeaderboardTick:
    def __init__(self, app):
        self.app = app
        self.interval_ms = int(app.config["GOLDCOIN_LEADERBOARD_PUSH_MS"])
        self.shared = bool(app.config.get("REDIS_URL"))
        self._cond = threading.Condition()  # guards the fields below; a tick notifies when it ends
        self._hold = threading.Lock()  # held for each tick, and by `held()`
        self._running = False
        self._busy = False
        self._woken = False  # boards were marked in this process since the last tick began
        self._listeners = 0
        self._retry = set()  # boards whose window another process held
        self._last = {}  # board -> top last pushed, without Redis (only the tick touches it)

    # -- what wakes it ---------------------------------------------------------

    def wake(self):
        """Boards were marked in this process. With Redis the processes that
        hold sockets take the marks: a tick started here might be cut short
        by the process exiting after it took them."""
        if self.shared:
            return
        with self._cond:
            self._woken = True
            self._start()

    def listener_joined(self):
        with self._cond:
            self._listeners += 1
            if self.shared:
                self._start()

    def listener_left(self):
        with self._cond:
            self._listeners -= 1

    def _wanted(self):
        return self._woken or self._retry or (self.shared and self._listeners > 0)

    def _start(self):
        if not self._running:
            self._running = True
            socketio.start_background_task(self._run)

    # -- the task ----------------------------------------------------------------

    def _run(self):
        while True:
            self._tick()
            socketio.sleep(self.interval_ms / 1000)
            with self._cond:
                if not self._wanted():
                    self._running = False
                    self._cond.notify_all()
                    return

    def _tick(self):
        with self._hold:
            with self._cond:
                self._busy, self._woken = True, False
                keys, self._retry = self._retry, set()
            retry = set()
            try:
                keys |= changes.take(self.app)
                retry = self._push_changed(keys)
            except Exception:  # noqa: BLE001 - a push is a courtesy: log, and let the next change push
                log.exception("leaderboard push failed")
            finally:
                with self._cond:
                    self._busy = False
                    self._retry |= retry
                    self._cond.notify_all()

    def _push_changed(self, keys):
        # Marks of past months and weeks are dropped: no page shows those boards live.
        current = [(period, board_key(period)) for period in PERIODS]
        current = [(period, key) for period, key in current if key in keys]
        if not current:
            return set()
        with self.app.app_context():
            tops = {key: top_earners(db.session, TOP_SIZE, period) for period, key in current}
        retry = set()
        for period, key in current:
            outcome = self._claim(key, tops[key])
            if outcome == PUSH:
                socketio.emit("leaderboard", {"period": period, "items": tops[key]}, to=MEMBERS_ROOM)
            elif outcome == BUSY:
                retry.add(key)
        return retry

    def _claim(self, key, items):
        """SAME (nothing new to show), PUSH (emit now) or BUSY (another
        process pushed this board less than an interval ago: try next tick)."""
        fingerprint = json.dumps([[i["user_id"], i["coins"]] for i in items])
        r, prefix = client_and_prefix(self.app)
        if r is not None:
            try:
                keys = [prefix + "lb:top:" + key, prefix + "lb:push:" + key]
                return int(r.register_script(CLAIM)(keys=keys, args=[fingerprint, self.interval_ms]))
            except redis.RedisError as exc:
                log.warning("leaderboard push: Redis unavailable, deciding in this process (%s)", exc)
        if self._last.get(key) == fingerprint:
            return SAME
        self._last[key] = fingerprint
        return PUSH

    # -- for tests -------------------------------------------------------------

    @contextmanager
    def held(self):
        """No tick runs inside the block; the first one after it sees every change made in it."""
        with self._hold:
            yield

    def wait_idle(self, timeout=5.0):
        """Wait until no tick is running or has work to do here; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._running or not (self._busy or self._pending()), timeout)

    def _pending(self):
        return bool(self._woken or self._retry) or changes.marked(self.app)


def init_app(app):
    app.extensions[_EXTENSION] = LeaderboardTick(app)


def tick_of(app):
    return app.extensions[_EXTENSION]


def idle(app, timeout=5.0):
    """Wait until `app`'s tick has nothing left to do (tests: so that one
    test's late push or read cannot reach the next)."""
    return tick_of(app).wait_idle(timeout)


@subscribe("leaderboard_changed")
def _wake(payload):
    app = get_app()  # the committing app, also for a commit made outside an app context
    if app is not None:
        tick_of(app).wake()
