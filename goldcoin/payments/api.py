"""Recharge routes of the JSON API (API.md, "Recharge"). Refusals propagate as
domain errors; the one handler answers them."""
from flask import current_app, jsonify, request
from flask_login import current_user
from sqlalchemy import select

from goldcoin.core.api import bp
from goldcoin.core.errors import ApiError
from goldcoin.core.parse import get_int, get_str, json_body
from goldcoin.extensions import db, limiter
from goldcoin.security import login_required_json

from .currencies import offered_currencies
from .errors import PaymentNotStarted, ProviderError
from .models import PENDING, RechargeOrder
from .orders import create_order, order_json, owned_order, payment_request, record_payment
from .pricing import active_packages, package_json, quote
from .providers import provider_named
from .settings import public_url


def _order_limit():
    return current_app.config["RECHARGE_ORDER_RATE_LIMIT"]


def _member_key():
    return f"member:{current_user.id}" if current_user.is_authenticated else request.remote_addr


@bp.get("/recharge/packages")
def recharge_packages():
    currency = current_app.config["RECHARGE_PRICE_CURRENCY"]
    return jsonify([package_json(db.session, p, currency) for p in active_packages(db.session)])


@bp.post("/recharge/orders")
@login_required_json
@limiter.limit(_order_limit, key_func=_member_key)
def create_recharge_order():
    config = current_app.config
    data = json_body()
    package_id = get_int(data, "package_id", required=False, minimum=1)
    coins = get_int(data, "coins", required=False, minimum=1, maximum=10**9)
    if (package_id is None) == (coins is None):
        raise ApiError("bad_request", "Send either 'package_id' or 'coins'.")
    offered = offered_currencies(db.session, config)
    pay_currency = get_str(data, "pay_currency", required=False, max_length=20) or (offered or [None])[0]
    if pay_currency not in offered:
        raise ApiError("bad_request", f"Pay with one of: {', '.join(offered)}.")
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
        error = exc.message
    order = record_payment(db.session, db.session.get(RechargeOrder, asked.order_id), payment, error)
    # Explicit commit 2 of 2: a failed order is kept (with the provider's
    # reason) although this request answers 502 and the boundary would roll back.
    db.session.commit()
    if order.status != PENDING:
        raise PaymentNotStarted(order)
    return jsonify(order_json(order)), 201


@bp.get("/recharge/orders/<int:order_id>")
@login_required_json
def get_recharge_order(order_id):
    return jsonify(order_json(owned_order(db.session, order_id, current_user)))


@bp.get("/recharge/orders")
@login_required_json
def list_recharge_orders():
    orders = db.session.scalars(
        select(RechargeOrder).where(RechargeOrder.user_id == current_user.id).order_by(RechargeOrder.id.desc()).limit(100)
    ).all()
    return jsonify(items=[order_json(o) for o in orders])
