"""The one after-commit queue.

Domain code never pushes to browsers, touches Redis or sends mail itself. It
queues a named event on the session it works in; the event's subscribers run
only after that session's transaction commits. A rollback (of the transaction,
or of the savepoint the event was queued in) discards the event, so nobody is
ever shown a transfer that did not happen.

    queue_event(session, "transfer_posted", {...})

    @subscribe("transfer_posted")
    def push_balance(payload): ...

Subscribers must not raise: the coins have already moved. A subscriber that
fails is logged, and whatever it maintains (a leaderboard, say) is repaired by
its own rebuild command.

Off the response. After a request's commit the events are handed to a
bounded queue that one background worker per process serves, in commit order,
in the committing app's context (a greenlet under gevent's monkey-patching, a
thread otherwise): a slow or stalled Redis, Socket.IO message queue or mail
server no longer holds the money response that caused the work. When the queue
is full the events are dropped and logged (the pushes are courtesies; the
database is the truth). Outside a request (CLI commands, workers, tests with
GOLDCOIN_AFTERCOMMIT_BACKGROUND off) subscribers run inline after the commit,
so nothing is lost when a command exits.
"""
import logging
import queue
import threading
from collections import defaultdict

from flask import current_app, has_app_context, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session, scoped_session

log = logging.getLogger(__name__)
QUEUE_SIZE = 10_000

_subscribers = defaultdict(list)
_KEY = "goldcoin.aftercommit"


def subscribe(name):
    def register(fn):
        if fn not in _subscribers[name]:
            _subscribers[name].append(fn)
        return fn

    return register


def queue_event(session, name, payload):
    """Run the subscribers of `name` with `payload` once `session` commits."""
    if isinstance(session, scoped_session):
        session = session()
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_KEY, []).append((transaction, name, payload))


def dispatch(name, payload):
    """Run subscribers now. Used after commit, and by code that has no session."""
    for fn in list(_subscribers.get(name, ())):
        try:
            fn(payload)
        except Exception:  # noqa: BLE001 - the commit stands; log and go on
            log.exception("after-commit subscriber %s for %s failed", fn.__name__, name)


def within_transaction(transaction, ancestor):
    """Whether `transaction` is `ancestor` or nested inside it (a savepoint of it)."""
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


@event.listens_for(Session, "after_soft_rollback")
def _discard_rolled_back(session, previous_transaction):
    pending = session.info.get(_KEY)
    if pending:
        session.info[_KEY] = [e for e in pending if not within_transaction(e[0], previous_transaction)]


class _Worker:
    """One per process: runs queued batches of committed events, in order."""

    def __init__(self):
        self.queue = queue.Queue(QUEUE_SIZE)
        self.lock = threading.Lock()
        self.thread = None

    def submit(self, app, batch):
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="goldcoin-aftercommit", daemon=True)
                self.thread.start()
        try:
            self.queue.put_nowait((app, batch))
        except queue.Full:
            log.warning("after-commit queue full: %d event(s) dropped (%s)", len(batch),
                        ", ".join(sorted({name for name, _ in batch})))

    def _run(self):
        while True:
            app, batch = self.queue.get()
            try:
                with app.app_context():
                    for name, payload in batch:
                        dispatch(name, payload)
            except Exception:  # noqa: BLE001 - keep serving the queue
                log.exception("after-commit batch failed")
            finally:
                self.queue.task_done()

    def join(self):
        """Wait until every batch queued so far has run (tests)."""
        self.queue.join()


_worker = _Worker()


def wait_idle():
    """Block until the background after-commit work queued so far has run."""
    _worker.join()


def _in_background():
    return has_request_context() and current_app.config.get("GOLDCOIN_AFTERCOMMIT_BACKGROUND", True)


@event.listens_for(Session, "after_commit")
def _run_committed(session):
    pending = session.info.pop(_KEY, None)
    if not pending:
        return
    batch = [(name, payload) for _, name, payload in pending]
    if has_app_context() and _in_background():
        _worker.submit(current_app._get_current_object(), batch)
        return
    for name, payload in batch:
        dispatch(name, payload)
