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
"""
import logging
from collections import defaultdict

from sqlalchemy import event
from sqlalchemy.orm import Session, scoped_session

log = logging.getLogger(__name__)

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


def _within(transaction, ancestor):
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


@event.listens_for(Session, "after_soft_rollback")
def _discard_rolled_back(session, previous_transaction):
    pending = session.info.get(_KEY)
    if pending:
        session.info[_KEY] = [e for e in pending if not _within(e[0], previous_transaction)]


@event.listens_for(Session, "after_commit")
def _run_committed(session):
    pending = session.info.pop(_KEY, None)
    for _, name, payload in pending or ():
        dispatch(name, payload)
