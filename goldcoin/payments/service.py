"""Recharge orders: pricing, the status transition, crediting, IPNs, polling.

Service functions take the session, flush and never commit; the view, the IPN
handler or the CLI command commits once. Calls to CoinPayments happen outside
any database transaction (the caller passes results in), so a slow provider
never holds a lock.
"""
import hmac
import logging
import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import NamedTuple
from urllib.parse import parse_qs

from sqlalchemy import select

from goldcoin.aftercommit import queue_event
from goldcoin.earning.referrals import on_recharge_completed
from goldcoin.ledger import SALES, system_account_id, transfer, wallet_id
from goldcoin.ledger.models import utcnow
from goldcoin.notifications import notify

from .coinpayments import CoinPaymentsError, sign
from .models import (
    COMPLETED,
    EXPIRED,
    FAILED,
    PENDING,
    BonusTier,
    IpnRecord,
    RechargeOrder,
    RechargePackage,
)

log = logging.getLogger(__name__)

CENT = Decimal("0.01")
TXN_ID_RE = re.compile(r"^[A-Za-z0-9-]{1,128}$")
MAX_IPN_BODY = 64 * 1024


class RechargeError(Exception):
    """A recharge request refused; `code` is the API error code, the message is safe to show."""

    def __init__(self, message, code="bad_request"):
        super().__init__(message)
        self.message = message
        self.code = code


class IllegalTransition(RechargeError):
    """An order may not move to that status (never backwards)."""

    def __init__(self, order, status):
        super().__init__(f"order {order.id} cannot go from {order.status} to {status}", "conflict")


def as_utc(value):
    """SQLite hands back naive datetimes; every stored time is UTC."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


# ---------------------------------------------------------------- pricing

def bonus_for(session, coins):
    """Bonus coins of the best active tier the amount reaches (rounded down)."""
    percent = session.scalar(
        select(BonusTier.percent)
        .where(BonusTier.active.is_(True), BonusTier.min_coins <= coins)
        .order_by(BonusTier.min_coins.desc())
        .limit(1)
    )
    return coins * percent // 100 if percent else 0


def active_packages(session):
    return session.scalars(
        select(RechargePackage).where(RechargePackage.active.is_(True)).order_by(RechargePackage.position, RechargePackage.coins)
    ).all()


def package_json(session, package, currency):
    return {
        "id": package.id,
        "coins": package.coins,
        "bonus_coins": bonus_for(session, package.coins),
        "price": str(package.price.quantize(CENT)),
        "currency": currency,
    }


def quote(session, config, *, package_id=None, coins=None):
    """(coins, bonus_coins, price) for a package or a custom amount."""
    if package_id is not None:
        package = session.get(RechargePackage, package_id)
        if package is None or not package.active:
            raise RechargeError(f"No recharge package {package_id}.", "not_found")
        coins, price = package.coins, package.price.quantize(CENT)
    else:
        low, high = config["RECHARGE_CUSTOM_MIN"], config["RECHARGE_CUSTOM_MAX"]
        if coins is None or not low <= coins <= high:
            raise RechargeError(f"A custom amount is {low} to {high} coins.")
        price = (Decimal(coins) * Decimal(config["RECHARGE_PRICE_PER_COIN"])).quantize(CENT)
        if price <= 0:
            raise RechargeError("That amount costs nothing; choose more coins.")
    return coins, bonus_for(session, coins), price


# ---------------------------------------------------------------- orders

def create_order(session, user_id, *, coins, bonus_coins, price, currency, pay_currency, provider="coinpayments"):
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


def provider_request(order, *, public_url, buyer_email, buyer_name=None):
    """The create_transaction parameters for `order` (invoice = our order id)."""
    return {
        "amount": str(order.price),
        "currency1": order.currency,
        "currency2": order.pay_currency,
        "buyer_email": buyer_email,
        "buyer_name": buyer_name,
        "item_name": f"{order.total_coins} Gold Coins",
        "item_number": str(order.coins),
        "invoice": str(order.id),
        "custom": str(order.user_id),
        "ipn_url": f"{public_url}/ipn/coinpayments",
        "success_url": f"{public_url}/recharge/orders/{order.id}",
        "cancel_url": f"{public_url}/recharge",
    }


def record_provider_answer(session, order, result=None, error=None, now=None):
    """Keep what create_transaction answered, or fail the order with the reason."""
    now = now or utcnow()
    if error is None:
        try:
            txn_id = str(result["txn_id"])
            if not TXN_ID_RE.match(txn_id):
                raise ValueError("txn_id")
            order.txn_id = txn_id
            order.pay_amount = Decimal(str(result["amount"]))
            order.address = str(result["address"])[:200]
            order.dest_tag = str(result["dest_tag"])[:64] if result.get("dest_tag") else None
            order.confirms_needed = int(str(result.get("confirms_needed") or 0))
            order.timeout_seconds = int(result["timeout"])
            order.expires_at = now + timedelta(seconds=order.timeout_seconds)
            order.checkout_url = (result.get("checkout_url") or "")[:500] or None
            order.status_url = (result.get("status_url") or "")[:500] or None
            order.qrcode_url = (result.get("qrcode_url") or "")[:500] or None
            order.provider_status = 0
            order.provider_status_text = "Waiting for buyer funds..."
            order.received_amount = Decimal(0)
            order.received_confirms = 0
        except (KeyError, TypeError, ValueError, InvalidOperation):
            error = "the payment provider answered something we cannot read"
            order.txn_id = None
    if error is not None:
        transition(session, order, FAILED, reason=f"Payment provider: {error}")
    session.flush()
    return order


_NEXT = {PENDING: {COMPLETED, FAILED, EXPIRED}, EXPIRED: {COMPLETED}}


def can_transition(current, new):
    return new in _NEXT.get(current, ())


def transition(session, order, status, *, reason=None, now=None):
    """THE way an order's status changes. Returns False when it already is
    `status`; raises IllegalTransition for any move backwards or out of a
    final state. (expired -> completed is allowed: we gave up waiting, but the
    provider then confirmed the money arrived, so the coins are owed.)"""
    if status == order.status:
        return False
    if not can_transition(order.status, status):
        raise IllegalTransition(order, status)
    now = now or utcnow()
    order.status = status
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
        {"order_id": order.id, "user_id": order.user_id, "status": status, "coins": order.total_coins},
    )
    if status == COMPLETED:
        _after_order_completed(session, order)
    else:
        _after_order_failed(session, order)
    return True


def _credit(session, order):
    """Coins + bonus from `sales`, once per order whatever calls this."""
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
    bonus = f" including {order.bonus_coins} bonus coins" if order.bonus_coins else ""
    notify(
        session,
        order.user_id,
        f"Recharge successful: {order.total_coins} gold coins{bonus} were credited (order #{order.id}).",
        url,
        email_subject=f"Gold Coin: recharge #{order.id} successful",
        email_body=(
            f"Your payment of {order.pay_amount} {order.pay_currency} for order #{order.id} is complete.\n"
            f"Your account has been credited with {order.total_coins} gold coins{bonus}.\n"
        ),
    )


def _after_order_failed(session, order):
    url = f"/recharge/orders/{order.id}"
    why = order.failure_reason or ("the payment window expired" if order.status == EXPIRED else "the payment failed")
    notify(
        session,
        order.user_id,
        f"Recharge order #{order.id} was not completed: {why}. No coins were charged.",
        url,
        email_subject=f"Gold Coin: recharge #{order.id} not completed",
        email_body=f"Your recharge order #{order.id} ({order.coins} coins) was not completed: {why}.\n",
    )


def target_status(code):
    """CoinPayments' status code -> our status (COINPAYMENTS.md's table)."""
    if code >= 100 or code == 2:
        return COMPLETED
    if code < 0:
        return FAILED
    return PENDING


def apply_provider_status(session, order, code, text=None, received=None, confirms=None):
    """Apply what the provider says; returns 'applied', 'unchanged' or 'stale'."""
    target = target_status(code)
    text = (text or "")[:255] or None
    if order.status != PENDING and not can_transition(order.status, target):
        return "unchanged" if target == order.status else "stale"
    progress = (code, text, received, confirms)
    changed = progress != (order.provider_status, order.provider_status_text, order.received_amount, order.received_confirms)
    order.provider_status, order.provider_status_text = code, text
    if received is not None:
        order.received_amount = received
    if confirms is not None:
        order.received_confirms = confirms
    if target != PENDING:
        reason = f"{text or 'status ' + str(code)} (CoinPayments status {code})" if target == FAILED else None
        transition(session, order, target, reason=reason)
        return "applied"
    session.flush()
    return "applied" if changed else "unchanged"


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
        "failure_reason": order.failure_reason,
        "created_at": _iso(order.created_at),
        "completed_at": _iso(order.completed_at),
    }


def _dec(value):
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return text


def _iso(value):
    value = as_utc(value)
    return value.isoformat() if value else None


# ---------------------------------------------------------------- IPN

class IpnResult(NamedTuple):
    http_status: int
    body: str
    verdict: str


def _single_values(raw_text):
    parsed = parse_qs(raw_text, keep_blank_values=True)
    if any(len(v) != 1 for v in parsed.values()):
        raise ValueError("a field appears twice")
    return {k: v[0] for k, v in parsed.items()}


def handle_ipn(session, raw, hmac_header, config, remote_addr=None):
    """Check one IPN (COINPAYMENTS.md, every check, in order) on its raw bytes,
    apply it, and audit it. Returns what to answer; the caller commits."""
    record = IpnRecord(
        raw_body=raw[:20000].decode("utf-8", "replace"),
        hmac_header=(hmac_header or "")[:256] or None,
        remote_addr=(remote_addr or "")[:64] or None,
        verdict="refused",
    )

    def finish(http_status, verdict, reason=None, body=None):
        record.http_status, record.verdict, record.reason = http_status, verdict, (reason or None) and reason[:255]
        session.add(record)  # added last: an early autoflush must not insert it half-filled
        session.flush()
        if verdict == "refused":
            log.warning("IPN refused (%s): %s", http_status, reason)
        return IpnResult(http_status, body or ("IPN OK" if http_status == 200 else f"IPN refused: {reason}"), verdict)

    if len(raw) > MAX_IPN_BODY:
        return finish(400, "refused", "body too large")
    try:
        fields = _single_values(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return finish(400, "refused", f"malformed body: {exc}")
    record.ipn_id = (fields.get("ipn_id") or "")[:128] or None
    record.txn_id = (fields.get("txn_id") or "")[:128] or None
    record.status = (fields.get("status") or "")[:16] or None

    # 1. ipn_mode; 2. HMAC header; 3. body; 4. merchant; 5. HMAC.
    if fields.get("ipn_mode") != "hmac":
        return finish(400, "refused", "ipn_mode is not hmac")
    if not hmac_header:
        return finish(403, "refused", "no HMAC header")
    if not raw:
        return finish(400, "refused", "empty body")
    merchant, secret = config.get("COINPAYMENTS_MERCHANT_ID"), config.get("COINPAYMENTS_IPN_SECRET")
    if not merchant or not secret:
        return finish(403, "refused", "COINPAYMENTS_MERCHANT_ID / COINPAYMENTS_IPN_SECRET not configured")
    if not hmac.compare_digest(fields.get("merchant", "").encode(), merchant.encode()):
        return finish(403, "refused", "merchant is not ours")
    if not hmac.compare_digest(sign(secret, raw).encode(), hmac_header.strip().lower().encode("utf-8", "replace")):
        return finish(403, "refused", "HMAC signature does not match")

    # Authentic from here on.
    if fields.get("ipn_type") != "api":
        return finish(200, "ignored", f"ipn_type {fields.get('ipn_type')!r} is not handled")
    # 6. an order of ours (locked: concurrent duplicates queue up here).
    order = session.scalar(
        select(RechargeOrder).where(RechargeOrder.txn_id == fields.get("txn_id", "")).with_for_update(of=RechargeOrder)
    )
    if order is None:
        return finish(400, "refused", "txn_id is not an order of ours")
    record.order_id = order.id
    if fields.get("invoice") and fields["invoice"] != str(order.id):
        return finish(400, "refused", "invoice does not match the order")
    # 7. price currency; 8. amount1 at least our price (never amount2: it includes fees).
    if fields.get("currency1", "").upper() != order.currency.upper():
        return finish(400, "refused", f"currency1 {fields.get('currency1')!r} is not {order.currency}")
    try:
        amount1 = Decimal(fields.get("amount1", ""))
        if not amount1.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        return finish(400, "refused", "amount1 is not a number")
    if amount1 < order.price:
        return finish(400, "refused", f"amount1 {amount1} is below the price {order.price}")
    try:
        code = int(fields.get("status", ""))
    except ValueError:
        return finish(400, "refused", "status is not an integer")
    received = _decimal_or_none(fields.get("received_amount"))
    confirms = _int_or_none(fields.get("received_confirms"))
    verdict = apply_provider_status(session, order, code, fields.get("status_text"), received, confirms)
    return finish(200, verdict, f"status {code} -> order {order.status}")


def _decimal_or_none(value):
    try:
        result = Decimal(value)
        return result if result.is_finite() else None
    except (InvalidOperation, TypeError):
        return None


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------- polling

def pollable_orders(session, limit=None):
    """(id, txn_id) of pending orders the provider knows about."""
    stmt = (
        select(RechargeOrder.id, RechargeOrder.txn_id)
        .where(RechargeOrder.status == PENDING, RechargeOrder.txn_id.is_not(None))
        .order_by(RechargeOrder.id)
    )
    if limit:
        stmt = stmt.limit(limit)
    return session.execute(stmt).all()


def apply_tx_info(session, order_id, info, now=None):
    """Apply one get_tx_info answer to a pending order; expire it if its time is up.
    Returns the verdict ('applied', 'unchanged', 'stale', 'expired', 'skipped')."""
    now = now or utcnow()
    order = session.scalar(select(RechargeOrder).where(RechargeOrder.id == order_id).with_for_update(of=RechargeOrder))
    if order is None:
        return "skipped"
    order.last_polled_at = now
    verdict = "skipped"
    if info is not None and info.get("error", "ok") == "ok":
        coin = str(info.get("coin", order.pay_currency))
        if coin.upper() != order.pay_currency.upper():
            log.warning("order %s: provider says coin %s, expected %s", order.id, coin, order.pay_currency)
        else:
            try:
                code = int(str(info["status"]))
            except (KeyError, ValueError):
                code = None
            if code is not None:
                verdict = apply_provider_status(
                    session,
                    order,
                    code,
                    info.get("status_text"),
                    _decimal_or_none(info.get("receivedf")),
                    _int_or_none(info.get("recv_confirms")),
                )
    if order.status == PENDING and order.expires_at and as_utc(order.expires_at) <= now:
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


def poll_payments(session, client, *, batch_size=25, unsent_timeout=3600, now=None, commit=None):
    """Ask the provider about every pending order (batches of 25) and apply
    the answers. `commit` (callable) is called after each batch so that no
    transaction is open during a provider call. Returns a dict of counts."""
    now = now or utcnow()
    commit = commit or session.commit
    counts = {"asked": 0, "applied": 0, "unchanged": 0, "stale": 0, "expired": 0, "skipped": 0, "errors": 0}
    rows = pollable_orders(session)
    counts["expired"] += expire_unsent_orders(session, unsent_timeout, now)
    commit()
    for start in range(0, len(rows), batch_size):
        batch = rows[start : start + batch_size]
        try:
            answers = client.get_tx_info_multi([txn for _, txn in batch])
        except CoinPaymentsError as exc:
            log.error("get_tx_info_multi failed: %s", exc)
            counts["errors"] += 1
            answers = {}
        counts["asked"] += len(batch)
        for order_id, txn_id in batch:
            verdict = apply_tx_info(session, order_id, (answers or {}).get(txn_id), now)
            counts[verdict] = counts.get(verdict, 0) + 1
        commit()
    return counts
