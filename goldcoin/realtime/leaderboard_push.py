"""Push `leaderboard` {period, items} when the top of a current board changes.

Throttle: at most one push per board per second across ALL processes.
With Redis, a process that sees a change and wins `SET lb:push:<board> NX PX
1000` pushes at once (leading edge). A process that loses sets the board's
`pending` flag and schedules a trailing check for when the window ends; the
first process to GETDEL the flag then takes a new window and pushes the top
as it is by then, so the last change is never lost. Short-lived processes
(CLI commands) run their scheduled trailing checks at exit. Without Redis
there is one process and the same logic runs on an in-process dict.

"The top changed" is decided by comparing the current top list with the last
one seen (kept in Redis under lb:top:<board>, so all processes agree).
"""
import atexit
import json
import logging
import threading
import time

from goldcoin.extensions import socketio

log = logging.getLogger(__name__)

WINDOW_MS = 1000
TOP_SIZE = 10
MEMBERS_ROOM = "members"

_local = {"windows": {}, "pending": set(), "tops": {}}
_scheduled = set()
_touched = set()
_inflight = [0]  # checks running in background tasks (waited for at exit)
_lock = threading.Lock()


def _current_boards(keys):
    from goldcoin.leaderboard.service import board_key

    return [(period, key) for period in ("all", "month", "week") for key in keys if board_key(period) == key]


def _top(app, period):
    from sqlalchemy.orm import Session

    from goldcoin.extensions import db
    from goldcoin.leaderboard.service import top_earners

    # after_commit: the committing session cannot run SQL; use a fresh one.
    with app.app_context():
        with Session(bind=db.engine) as session:
            return top_earners(session, TOP_SIZE, period)


def boards_touched(keys):
    """Called after commit by the leaderboard subscriber. The check reads the
    database, so it runs in a background task: never on the committing
    thread, which (on SQLite) may hold a lock the read would wait for."""
    from goldcoin.leaderboard.store import get_app

    app = get_app()
    if app is None:
        return
    with _lock:
        fresh = [k for k in keys if k not in _touched]
        _touched.update(fresh)
    if fresh:
        socketio.start_background_task(_check_touched, app)


def _check_touched(app):
    while True:
        with _lock:
            if not _touched:
                return
            key = _touched.pop()
            _inflight[0] += 1
        try:
            _check_board(app, key)
        finally:
            with _lock:
                _inflight[0] -= 1


def _check_board(app, key):
    for period, current in _current_boards([key]):
        try:
            items = _top(app, period)
            if _top_changed(current, items):
                _request_push(app, period, current, items)
        except Exception:  # noqa: BLE001 - a push is a courtesy; never fail the caller
            log.exception("leaderboard push for %s failed", current)


def _top_changed(key, items):
    from goldcoin.leaderboard.store import client_and_prefix

    r, prefix = client_and_prefix()
    fingerprint = json.dumps([[i["user_id"], i["coins"]] for i in items])
    if r is not None:
        try:
            return r.set(prefix + "lb:top:" + key, fingerprint, get=True) != fingerprint
        except Exception:  # noqa: BLE001 - Redis down: fall back to this process's memory
            log.warning("leaderboard push: Redis unavailable, throttling in-process")
    with _lock:
        old = _local["tops"].get(key)
        _local["tops"][key] = fingerprint
    return old != fingerprint


def _acquire_window(key):
    """True if this process may push `key` now; else the remaining ms of the window."""
    from goldcoin.leaderboard.store import client_and_prefix

    r, prefix = client_and_prefix()
    if r is not None:
        try:
            if r.set(prefix + "lb:push:" + key, "1", nx=True, px=WINDOW_MS):
                return True, 0
            return False, max(r.pttl(prefix + "lb:push:" + key), 1)
        except Exception:  # noqa: BLE001
            pass
    now = time.monotonic()
    with _lock:
        until = _local["windows"].get(key, 0)
        if until <= now:
            _local["windows"][key] = now + WINDOW_MS / 1000
            return True, 0
    return False, int((until - now) * 1000) + 1


def _set_pending(key):
    from goldcoin.leaderboard.store import client_and_prefix

    r, prefix = client_and_prefix()
    if r is not None:
        try:
            r.set(prefix + "lb:pending:" + key, "1", px=10 * WINDOW_MS)
            return
        except Exception:  # noqa: BLE001
            pass
    with _lock:
        _local["pending"].add(key)


def _take_pending(key):
    from goldcoin.leaderboard.store import client_and_prefix

    r, prefix = client_and_prefix()
    if r is not None:
        try:
            return r.getdel(prefix + "lb:pending:" + key) is not None
        except Exception:  # noqa: BLE001
            pass
    with _lock:
        if key in _local["pending"]:
            _local["pending"].discard(key)
            return True
    return False


def _emit(period, items):
    socketio.emit("leaderboard", {"period": period, "items": items}, to=MEMBERS_ROOM)


def _request_push(app, period, key, items):
    allowed, wait_ms = _acquire_window(key)
    if allowed:
        _emit(period, items)
        return
    _set_pending(key)
    _schedule(app, period, key, wait_ms)


def _schedule(app, period, key, wait_ms):
    with _lock:
        if key in _scheduled:
            return
        _scheduled.add(key)
    socketio.start_background_task(_trailing, app, period, key, wait_ms)


def _trailing(app, period, key, wait_ms):
    socketio.sleep(wait_ms / 1000)
    _run_trailing(app, period, key)


def _run_trailing(app, period, key):
    with _lock:
        if key not in _scheduled:
            return  # already run (at exit, or by another task)
        _scheduled.discard(key)
    try:
        with app.app_context():
            if not _take_pending(key):
                return  # another process pushed the latest top already
            allowed, wait_ms = _acquire_window(key)
            if not allowed:
                _set_pending(key)
                _schedule(app, period, key, wait_ms)
                return
            _emit(period, _top(app, period))
    except Exception:  # noqa: BLE001
        log.exception("trailing leaderboard push for %s failed", key)


@atexit.register
def _flush_at_exit():
    """A CLI command may end inside a window: push its pending change before leaving."""
    from goldcoin.leaderboard.service import period_of
    from goldcoin.leaderboard.store import get_app

    app = get_app()
    if app is None:
        return
    _check_touched(app)
    deadline = time.monotonic() + 10
    while _inflight[0] and time.monotonic() < deadline:
        time.sleep(0.01)  # a background check (a daemon thread) is still running
    for key in list(_scheduled):
        time.sleep(_window_left_ms(key) / 1000)
        _run_trailing(app, period_of(key), key)


def _window_left_ms(key):
    from goldcoin.leaderboard.store import client_and_prefix

    r, prefix = client_and_prefix()
    if r is not None:
        try:
            return max(r.pttl(prefix + "lb:push:" + key), 0)
        except Exception:  # noqa: BLE001
            return 0
    until = _local["windows"].get(key, 0)
    return max(int((until - time.monotonic()) * 1000), 0)


def idle(timeout=5.0):
    """Wait until this process has no leaderboard check or trailing push
    pending (tests use it so that one test's late push cannot reach the next)."""
    deadline = time.monotonic() + timeout
    while (_touched or _inflight[0] or _scheduled) and time.monotonic() < deadline:
        time.sleep(0.02)
    return not (_touched or _inflight[0] or _scheduled)
