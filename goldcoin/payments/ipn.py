"""Provider notifications (CoinPayments calls them IPNs; its v2 platform,
webhooks): check one, apply it to its order, and audit it, whatever it is.

The provider verifies and parses (`read_notification`) and says whether an
authentic one fits the order it names (`mismatch`); here the order is found,
locked and moved through the one transition, and every notification that
reached us is kept in `ipn_records` with what we made of it.
"""
import logging
from typing import NamedTuple

from sqlalchemy import select

from .errors import NotificationRefused
from .models import IpnRecord, RechargeOrder
from .orders import apply_payment_status

log = logging.getLogger(__name__)

MAX_IPN_BODY = 64 * 1024


class IpnResult(NamedTuple):
    http_status: int
    body: str
    verdict: str  # applied | unchanged | stale | ignored | refused


def handle_notification(session, provider, incoming):
    """Check one notification (an `Incoming`) on its raw bytes, apply it, and
    audit it. Returns what to answer: 200 `IPN OK` to every authentic one, also
    duplicates, stale ones and ones that fit no order of ours (so they are not
    sent again); 400 to malformed, 401/403 to forged ones. The caller commits, also a refusal's audit record."""
    record = IpnRecord(
        raw_body=incoming.body[:20000].decode("utf-8", "replace"),
        hmac_header=(incoming.headers.get(provider.signature_header) or "")[:256] or None,
        remote_addr=(incoming.remote_addr or "")[:64] or None,
        verdict="refused",
    )

    def finish(http_status, verdict, reason=None):
        record.http_status, record.verdict, record.reason = http_status, verdict, (reason or None) and reason[:255]
        session.add(record)  # added last: an early autoflush must not insert it half-filled
        session.flush()
        if verdict == "refused":
            log.warning("%s notification refused (%s): %s", provider.title, http_status, reason)
        return IpnResult(http_status, _answer_text(http_status, reason), verdict)

    if len(incoming.body) > MAX_IPN_BODY:
        return finish(400, "refused", "body too large")
    try:
        notification = provider.read_notification(incoming)
    except NotificationRefused as refused:
        _keep_trail(record, refused.trail)
        return finish(refused.status, "refused", refused.message)
    _keep_trail(record, notification.trail)
    if notification.ignored:
        return finish(200, "ignored", notification.ignored)

    # An order of this provider's (locked: concurrent duplicates queue up here).
    order = session.scalar(
        select(RechargeOrder)
        .where(RechargeOrder.provider == provider.name, RechargeOrder.txn_id == notification.txn_id)
        .with_for_update(of=RechargeOrder)
    )
    # Authentic but not fitting an order of ours: refused and audited, nothing
    # credited, yet answered 200 — any other answer makes the provider retry
    # it for days, and no retry can make it fit.
    if order is None:
        return finish(200, "refused", "txn_id is not an order of ours")
    record.order_id = order.id
    problem = provider.mismatch(notification, order)
    if problem:
        return finish(200, "refused", problem)
    status = notification.status
    verdict = apply_payment_status(session, order, status)
    said = status.code if status.code is not None else status.text
    return finish(200, verdict, f"status {said} -> order {order.status}")


def _answer_text(http_status, reason):
    """What the sender reads. An unauthentic notification says only that: the
    audit record and the log keep which check failed, but telling a wrong
    merchant or integration id apart from a wrong signature would confirm a
    guessed id to a prober. A malformed one may say what is malformed."""
    if http_status == 200:
        return "IPN OK"
    if http_status in (401, 403):
        return "IPN refused: not authentic"
    return f"IPN refused: {reason}"


def _keep_trail(record, trail):
    if trail is None:
        return
    record.ipn_id = (trail.event_id or "")[:128] or None
    record.txn_id = (trail.txn_id or "")[:128] or None
    record.status = (trail.status or "")[:16] or None
