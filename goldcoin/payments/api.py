"""Recharge routes of the JSON API (API.md, "Recharge"). Refusals propagate as
domain errors; the one handler answers them."""
import logging

from flask import current_app, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from goldcoin.core.api import MEMBER, PUBLIC, bp, doc, id_in_path
from goldcoin.core.errors import ApiError
from goldcoin.core.schemas import Int, List, Nested, Schema, Text, column_max
from goldcoin.extensions import db, limiter
from goldcoin.security import login_required_json

from .currencies import offered_currencies
from .errors import PaymentNotStarted, ProviderError
from .models import PENDING, RechargeOrder, RechargePackage
from .orders import create_order, failure_text, order_json, owned_order, payment_request, record_payment
from .pricing import active_packages, package_json, quote
from .providers import provider_named
from .settings import public_url

log = logging.getLogger(__name__)


class RechargeOrderIn(Schema):
    package_id = Int(minimum=1, maximum=column_max(RechargePackage.id), load_default=None,
                     metadata={"description": "A package of GET /recharge/packages; or send `coins`."})
    coins = Int(minimum=1, maximum=10**9, load_default=None, metadata={"description": "A custom amount."})
    pay_currency = Text(max_length=20, load_default=None, metadata={"description": "e.g. USDT.TRC20"})


class PackageOut(Schema):
    id = Int(required=True)
    coins = Int(required=True)
    bonus_coins = Int(required=True)
    price = Text(required=True, metadata={"description": "Decimal string, e.g. \"22.00\"."})
    currency = Text(required=True)


def _maybe(field_class, **kwargs):
    return field_class(required=True, allow_none=True, **kwargs)


class OrderOut(Schema):
    id = Int(required=True)
    status = Text(required=True, metadata={"enum": ["pending", "completed", "failed", "expired"]})
    coins = Int(required=True)
    bonus_coins = Int(required=True)
    price = Text(required=True)
    currency = Text(required=True)
    pay_currency = Text(required=True)
    pay_amount = _maybe(Text)
    address = _maybe(Text)
    dest_tag = _maybe(Text)
    txn_id = _maybe(Text)
    checkout_url = _maybe(Text)
    qrcode_url = _maybe(Text)
    expires_at = _maybe(Text, metadata={"format": "date-time"})
    confirms_needed = _maybe(Int)
    received_confirms = _maybe(Int)
    received_amount = _maybe(Text)
    status_text = _maybe(Text)
    failure_reason = _maybe(Text)
    created_at = _maybe(Text, metadata={"format": "date-time"})
    completed_at = _maybe(Text, metadata={"format": "date-time"})


class OrdersOut(Schema):
    items = List(Nested(OrderOut), required=True, metadata={"description": "Newest first, at most 100."})


def _order_limit():
    return current_app.config["RECHARGE_ORDER_RATE_LIMIT"]


def _member_key():
    return f"member:{current_user.id}" if current_user.is_authenticated else request.remote_addr


@bp.get("/recharge/packages")
@doc(security=PUBLIC)
@bp.response(200, PackageOut(many=True))
def recharge_packages():
    """The packages on sale, with their bonus."""
    currency = current_app.config["RECHARGE_PRICE_CURRENCY"]
    return [package_json(db.session, p, currency) for p in active_packages(db.session)]


@bp.post("/recharge/orders")
@login_required_json
@limiter.limit(_order_limit, key_func=_member_key)
@doc(security=MEMBER, refuses=(401, 404, 429, 502))
@bp.arguments(RechargeOrderIn)
@bp.response(201, OrderOut)
def create_recharge_order(data):
    """Start a payment for a package or a custom amount: the address, amount and checkout to pay."""
    config = current_app.config
    package_id, coins = data["package_id"], data["coins"]
    if (package_id is None) == (coins is None):
        raise ApiError("bad_request", _("Send either 'package_id' or 'coins'."))
    offered = offered_currencies(db.session, config)
    pay_currency = data["pay_currency"] or (offered or [None])[0]
    if pay_currency not in offered:
        raise ApiError("bad_request", _("Pay with one of: %(value)s.", value=', '.join(offered)))
    coins, bonus, price = quote(db.session, config, package_id=package_id, coins=coins)
    provider = provider_named(config["RECHARGE_PROVIDER"], config)
    order = create_order(
        db.session, current_user.id, coins=coins, bonus_coins=bonus, price=price,
        currency=config["RECHARGE_PRICE_CURRENCY"], pay_currency=pay_currency, provider=provider.name,
    )
    asked = payment_request(order, public_url=public_url(config), buyer_email=current_user.email or "",
                            buyer_name=current_user.username)
    # Explicit commit 1 of 2: the order exists before the provider hears of it
    # (its id is the invoice), and no transaction is open during the call (on
    # SQLite an open one holds the write lock; a slow provider must not).
    db.session.commit()
    payment, error = None, None
    try:
        payment = provider.create_payment(asked)
    except ProviderError as exc:
        error = exc
        # The provider's words go to the log and the order (the admin's view);
        # the member reads failure_text's plain message.
        log.warning("recharge order %s: %s did not start the payment: %s", asked.order_id, provider.title, exc.message)
    order = record_payment(db.session, db.session.get(RechargeOrder, asked.order_id), payment, error)
    # Explicit commit 2 of 2: a failed order is kept (with the provider's
    # reason) although this request answers 502 and the boundary would roll back.
    db.session.commit()
    if order.status != PENDING:
        raise PaymentNotStarted(str(failure_text(order)))
    return order_json(order)


@bp.get(f"/recharge/orders/{id_in_path('order_id', RechargeOrder.id)}")
@login_required_json
@doc(security=MEMBER, refuses=(401, 404))
@bp.response(200, OrderOut)
def get_recharge_order(order_id):
    """One of the member's orders with its current status (an admin may read any)."""
    return order_json(owned_order(db.session, order_id, current_user))


@bp.get("/recharge/orders")
@login_required_json
@doc(security=MEMBER, refuses=(401,))
@bp.response(200, OrdersOut)
def list_recharge_orders():
    """The member's orders, newest first."""
    orders = db.session.scalars(
        select(RechargeOrder).where(RechargeOrder.user_id == current_user.id).order_by(RechargeOrder.id.desc()).limit(100)
    ).all()
    return {"items": [order_json(o) for o in orders]}
