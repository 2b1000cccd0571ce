"""The poller: ask each order's provider about pending orders whose
notification may have been lost, apply the answers through the same
transition, and expire orders whose time is up.

`flask goldcoin poll-payments` runs `poll_payments` every minute; admins run
`look_up_orders` + `apply_lookup` on chosen orders ("Poll now").
"""
import logging
from datetime import timedelta

from sqlalchemy import select

from goldcoin.ledger.models import utcnow

from .errors import ProviderError, RechargeError
from .models import EXPIRED, PENDING, RechargeOrder
from .orders import apply_payment_status, transition

log = logging.getLogger(__name__)


def pollable_orders(session, ids=None):
    """(id, provider, txn_id) of pending orders a provider knows about."""
    stmt = (
        select(RechargeOrder.id, RechargeOrder.provider, RechargeOrder.txn_id)
        .where(RechargeOrder.status == PENDING, RechargeOrder.txn_id.is_not(None))
        .order_by(RechargeOrder.id)
    )
    if ids is not None:
        stmt = stmt.where(RechargeOrder.id.in_(ids))
    return session.execute(stmt).all()


def _by_provider(rows):
    grouped = {}
    for row in rows:
        grouped.setdefault(row.provider, []).append(row)
    return grouped


def look_up_orders(rows, provider_for):
    """{order id: PaymentStatus or None} for `pollable_orders` rows, each asked
    of its own provider. Raises ProviderError (naming the provider) on failure."""
    answers = {}
    for name, batch in _by_provider(rows).items():
        provider = provider_for(name)
        try:
            said = provider.look_up([row.txn_id for row in batch])
        except ProviderError as exc:
            raise ProviderError(f"{provider.title}: {exc.message}") from exc
        answers.update({row.id: said.get(row.txn_id) for row in batch})
    return answers


def apply_lookup(session, order_id, status, now=None):
    """Apply one provider answer (a PaymentStatus, or None for no usable answer)
    to a pending order; expire it if its time is up. Returns the verdict
    ('applied', 'unchanged', 'stale', 'expired', 'skipped')."""
    now = now or utcnow()
    order = session.scalar(select(RechargeOrder).where(RechargeOrder.id == order_id).with_for_update(of=RechargeOrder))
    if order is None:
        return "skipped"
    order.last_polled_at = now
    verdict = "skipped"
    if status is not None:
        if status.pay_currency and status.pay_currency.upper() != order.pay_currency.upper():
            log.warning("order %s: provider says coin %s, expected %s", order.id, status.pay_currency, order.pay_currency)
        else:
            verdict = apply_payment_status(session, order, status)
    if order.status == PENDING and order.expires_at and order.expires_at <= now:
        transition(session, order, EXPIRED, reason="The payment window closed before the payment was confirmed.", now=now)
        verdict = "expired"
    session.flush()
    return verdict


def expire_unsent_orders(session, max_age_seconds, now=None):
    """Orders that never got a provider transaction are given up after a while."""
    now = now or utcnow()
    cutoff = now - timedelta(seconds=max_age_seconds)
    stale = session.scalars(
        select(RechargeOrder)
        .where(RechargeOrder.status == PENDING, RechargeOrder.txn_id.is_(None), RechargeOrder.created_at < cutoff)
        .with_for_update(of=RechargeOrder)
    ).all()
    for order in stale:
        transition(session, order, EXPIRED, reason="The order never reached the payment provider.", now=now)
    return len(stale)


def poll_payments(session, provider_for, *, unsent_timeout=3600, now=None, commit=None):
    """Ask every pending order's provider about it (in the provider's batch
    size) and apply the answers. `provider_for(name)` gives the provider of
    that name. `commit` (callable) is called after each batch so that no
    transaction is open during a provider call. Returns a dict of counts."""
    now = now or utcnow()
    commit = commit or session.commit
    counts = {"asked": 0, "applied": 0, "unchanged": 0, "stale": 0, "expired": 0, "skipped": 0, "errors": 0}
    rows = pollable_orders(session)
    counts["expired"] += expire_unsent_orders(session, unsent_timeout, now)
    # A batch command commits per batch: no transaction (nor row lock, nor
    # SQLite's write lock) is held during a provider call, and what a batch
    # applied stays applied when a later one fails.
    commit()
    for name, pending in _by_provider(rows).items():
        try:
            provider = provider_for(name)
        except RechargeError as exc:  # unknown or not configured: the orders still expire on time
            log.error("payment provider %r: %s", name, exc.message)
            counts["errors"] += 1
            provider = None
        size = provider.lookup_batch if provider else len(pending)
        for start in range(0, len(pending), size):
            batch = pending[start : start + size]
            answers = {}
            if provider is not None:
                try:
                    answers = provider.look_up([row.txn_id for row in batch])
                except ProviderError as exc:
                    log.error("%s: asking about %d orders failed: %s", provider.title, len(batch), exc.message)
                    counts["errors"] += 1
            counts["asked"] += len(batch)
            for row in batch:
                verdict = apply_lookup(session, row.id, answers.get(row.txn_id), now)
                counts[verdict] = counts.get(verdict, 0) + 1
            commit()  # this batch, before the next provider call (see above)
    return counts
