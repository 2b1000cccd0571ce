"""Recharge orders: creating one, recording what its provider answered, THE
status transition, and crediting (at most once per order).

Functions take the session, flush and never commit. Provider calls happen
outside any transaction: the caller reads a `PaymentRequest` from the order,
ends the transaction, calls the provider and passes its answer back in.
"""
from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import object_session

from goldcoin.aftercommit import queue_event
from goldcoin.earning.referrals import on_recharge_completed
from goldcoin.ledger import SALES, system_account_id, transfer, wallet_id
from goldcoin.ledger.models import utcnow
from goldcoin.notifications import notify
from goldcoin.notifications.preferences import PAYMENTS

from .currencies import codes_for, remember
from .errors import IllegalTransition, OrderNotFound, ProviderUnreachable
from .models import COMPLETED, EXPIRED, FAILED, PENDING, OrderStatus, RechargeOrder
from .pricing import CENT
from .providers import REGISTRY, PaymentRequest, notify_path


def create_order(session, user_id, *, coins, bonus_coins, price, currency, pay_currency, provider):
    """Store a pending order (before any provider call, so its id is the invoice)."""
    order = RechargeOrder(
        user_id=user_id,
        coins=coins,
        bonus_coins=bonus_coins,
        price=price,
        currency=currency,
        pay_currency=pay_currency,
        provider=provider,
        status=PENDING,
    )
    session.add(order)
    session.flush()
    return order


def owned_order(session, order_id, user):
    """The order, if `user` may see it: its owner or an admin."""
    order = session.get(RechargeOrder, order_id)
    if order is None or (order.user_id != user.id and not user.is_admin):
        raise OrderNotFound(_("No order %(order_id)s of yours.", order_id=order_id))
    return order


def payment_request(order, *, public_url, buyer_email, buyer_name=None):
    """What the order's provider is asked for (invoice = our order id), with
    the provider's ids for its currencies where they are cached."""
    provider = REGISTRY.get(order.provider)
    codes = {}
    if provider is not None and provider.has_currency_list:  # it names currencies by ids of its own
        codes = codes_for(object_session(order), order.provider, [order.currency, order.pay_currency])
    return PaymentRequest(
        order_id=order.id,
        user_id=order.user_id,
        coins=order.coins,
        total_coins=order.total_coins,
        price=order.price,
        currency=order.currency,
        pay_currency=order.pay_currency,
        buyer_email=buyer_email,
        buyer_name=buyer_name,
        notify_url=public_url + notify_path(order.provider),
        success_url=f"{public_url}/recharge/orders/{order.id}",
        cancel_url=f"{public_url}/recharge",
        currency_codes=codes,
    )


# The start of a failure_reason that says the provider never started the
# payment: the reason keeps the provider's words for admins, and its first
# words tell failure_text which plain message a member reads.
NOT_STARTED = "Payment provider: "
UNREACHABLE = "Payment provider unreachable: "


def record_payment(session, order, payment=None, error=None, now=None):
    """Keep the payment the provider made for `order` (a `NewPayment`), or,
    given `error` instead (the `ProviderError`, or its text), fail the order
    with the provider's reason."""
    if payment is None:
        prefix = UNREACHABLE if isinstance(error, ProviderUnreachable) else NOT_STARTED
        transition(session, order, FAILED, reason=prefix + str(getattr(error, "message", error)))
        return order
    if payment.learned_currencies:  # ids the provider looked up: cached for the next orders
        remember(session, order.provider, payment.learned_currencies)
    now = now or utcnow()
    order.txn_id = payment.txn_id
    order.pay_amount = payment.pay_amount
    order.address = payment.address[:200]
    order.dest_tag = payment.dest_tag[:64] if payment.dest_tag else None
    order.confirms_needed = payment.confirms_needed
    order.timeout_seconds = payment.timeout_seconds
    order.expires_at = now + timedelta(seconds=payment.timeout_seconds)
    order.checkout_url = (payment.checkout_url or "")[:500] or None
    order.status_url = (payment.status_url or "")[:500] or None
    order.qrcode_url = (payment.qrcode_url or "")[:500] or None
    status = payment.status
    order.provider_status, order.provider_status_text = status.code, status.text
    order.received_amount, order.received_confirms = status.received, status.confirms
    session.flush()
    return order


# expired -> completed is allowed: we gave up waiting, but the provider then
# confirmed the money arrived, so the coins are owed.
_NEXT = {PENDING: {COMPLETED, FAILED, EXPIRED}, EXPIRED: {COMPLETED}}


def can_transition(current, new):
    return new in _NEXT.get(current, ())


def transition(session, order, status, *, reason=None, now=None):
    """THE way an order's status changes. Returns False when it already is
    `status`; raises IllegalTransition for any move backwards or out of a
    final state. Completing credits the order (once, whatever calls this)."""
    status = OrderStatus(status)
    if status == order.status:
        return False
    if not can_transition(order.status, status):
        raise IllegalTransition(order, status)
    now = now or utcnow()
    order.status = status.value
    order.updated_at = now
    if status == COMPLETED:
        order.completed_at = now
        order.failure_reason = None
        _credit(session, order)
    elif reason:
        order.failure_reason = reason[:500]
    session.flush()
    queue_event(
        session,
        "order_status_changed",
        {"order_id": order.id, "user_id": order.user_id, "status": status.value, "coins": order.total_coins},
    )
    if status == COMPLETED:
        _after_order_completed(session, order)
    else:
        _after_order_failed(session, order)
    return True


def apply_payment_status(session, order, status):
    """Apply what the provider says of the order's payment (a `PaymentStatus`):
    progress on a pending order, or its transition. Returns 'applied',
    'unchanged' or 'stale' (a message older than the order's state)."""
    target = status.target
    text = (status.text or "")[:255] or None
    if order.status != PENDING and not can_transition(order.status, target):
        return "unchanged" if target == order.status else "stale"
    progress = (status.code, text, status.received, status.confirms)
    changed = progress != (order.provider_status, order.provider_status_text, order.received_amount, order.received_confirms)
    order.provider_status, order.provider_status_text = status.code, text
    if status.received is not None:
        order.received_amount = status.received
    if status.confirms is not None:
        order.received_confirms = status.confirms
    if target != PENDING:
        transition(session, order, target, reason=status.reason if target == FAILED else None)
        return "applied"
    session.flush()
    if changed:
        # Progress on an open order (part of the payment received, a confirmation),
        # not a transition: the open checkout page refreshes itself from the push.
        queue_event(
            session,
            "order_progress",
            {"order_id": order.id, "user_id": order.user_id, "status": order.status, "coins": order.total_coins},
        )
    return "applied" if changed else "unchanged"


def _credit(session, order):
    """Coins + bonus from `sales`; the key from the order makes it once per order."""
    bonus = f" (+{order.bonus_coins} bonus)" if order.bonus_coins else ""
    return transfer(
        session,
        system_account_id(session, SALES),
        wallet_id(session, order.user_id),
        order.total_coins,
        kind="recharge",
        key=f"recharge:order:{order.id}",
        memo=f"Recharge order #{order.id}: {order.coins} coins{bonus}",
        reference=f"order:{order.id}",
    )


def _after_order_completed(session, order):
    """Everything that follows a completed order, in the crediting transaction:
    the referrer's milestone and affiliate share (on the coins bought, not the
    bonus), and the member's notification and email."""
    on_recharge_completed(session, order.user_id, order.id, order.coins)
    url = f"/recharge/orders/{order.id}"
    # Lazy texts: notify() words them in the member's language.
    values = dict(id=order.id, coins=order.total_coins, bonus=order.bonus_coins, amount=order.pay_amount,
                  currency=order.pay_currency)
    if order.bonus_coins:
        text = _l("Recharge successful: %(coins)s gold coins including %(bonus)s bonus coins were credited"
                  " (order #%(id)s).", **values)
        body = _l("Your payment of %(amount)s %(currency)s for order #%(id)s is complete.\n"
                  "Your account has been credited with %(coins)s gold coins including %(bonus)s bonus coins.\n", **values)
    else:
        text = _l("Recharge successful: %(coins)s gold coins were credited (order #%(id)s).", **values)
        body = _l("Your payment of %(amount)s %(currency)s for order #%(id)s is complete.\n"
                  "Your account has been credited with %(coins)s gold coins.\n", **values)
    notify(session, order.user_id, text, url,
           email_subject=_l("Gold Coin: recharge #%(id)s successful", id=order.id), email_body=body, kind=PAYMENTS)


def failure_text(order):
    """Why the order did not complete, in a member's words (lazy, so that it
    is worded in the reader's language), or None for an open or completed
    order. Never the provider's raw error: that stays in failure_reason, for
    the log and the admin's view of the order."""
    if order.status not in (FAILED, EXPIRED):
        return None
    reason = order.failure_reason or ""
    if reason.startswith(UNREACHABLE):
        return _l("The payment service could not be reached. No coins were charged; please try again in a few minutes.")
    if order.txn_id is None:  # the provider never started a payment for it
        if order.status == EXPIRED:
            return _l("This order never reached the payment service. No coins were charged; please start a new recharge.")
        return _l("The payment service could not start this payment. No coins were charged; please try again in a "
                  "few minutes or choose another currency.")
    if order.status == EXPIRED:
        return _l("The payment window closed before the payment was confirmed. No coins were credited.")
    # Worded from the status code (COINPAYMENTS.md), not the provider's English
    # name for it ("Cancelled / Timed Out"), which stays in the admin's view.
    if order.provider_status == -1:
        return _l("The payment was cancelled or timed out before it was paid in full. No coins were credited.")
    if order.provider_status == -2:
        return _l("The payment was refunded or reversed. No coins were credited.")
    return _l("The payment service ended this payment. No coins were credited.")


def _after_order_failed(session, order):
    url = f"/recharge/orders/{order.id}"
    why = failure_text(order)
    notify(
        session,
        order.user_id,
        _l("Recharge order #%(id)s was not completed. %(why)s", id=order.id, why=why),
        url,
        email_subject=_l("Gold Coin: recharge #%(id)s not completed", id=order.id),
        email_body=_l("Your recharge order #%(id)s (%(coins)s coins) was not completed.\n%(why)s\n",
                      id=order.id, coins=order.coins, why=why),
        kind=PAYMENTS,
    )


def order_json(order):
    return {
        "id": order.id,
        "status": order.status,
        "coins": order.coins,
        "bonus_coins": order.bonus_coins,
        "price": str(order.price.quantize(CENT)),
        "currency": order.currency,
        "pay_currency": order.pay_currency,
        "pay_amount": _dec(order.pay_amount),
        "address": order.address,
        "dest_tag": order.dest_tag,
        "txn_id": order.txn_id,
        "checkout_url": order.checkout_url,
        "qrcode_url": order.qrcode_url,
        "expires_at": _iso(order.expires_at),
        "confirms_needed": order.confirms_needed,
        "received_confirms": order.received_confirms,
        "received_amount": _dec(order.received_amount),
        "status_text": order.provider_status_text,
        # The member's words (API.md: the fields a member reads); the
        # provider's own are on the admin's view of the order and in the log.
        "failure_reason": _text(failure_text(order)),
        "created_at": _iso(order.created_at),
        "completed_at": _iso(order.completed_at),
    }


def _text(lazy):
    return None if lazy is None else str(lazy)


def _dec(value):
    if value is None:
        return None
    return format(value.normalize(), "f")


def _iso(value):
    return value.isoformat() if value else None
