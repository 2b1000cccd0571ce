"""Recharge pages, the recharge JSON API (API.md) and the IPN endpoint. Thin:
parse, call the service, commit once, render."""
import segno
from flask import Blueprint, abort, current_app, jsonify, render_template, request
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select

from goldcoin.core.api import bp as api_bp
from goldcoin.core.errors import ApiError
from goldcoin.core.parse import get_int, get_str, json_body
from goldcoin.extensions import db, limiter
from goldcoin.security import csrf_exempt, login_required_json

from . import service
from .coinpayments import CoinPaymentsError
from .models import COMPLETED, RechargeOrder
from .settings import SIMULATOR_PREFIX, client_from_config, configure, pay_currencies, public_url

bp = Blueprint("payments", __name__)


@bp.record_once
def _setup(state):
    app = state.app
    configure(app)
    if app.config.get("GOLDCOIN_PAYMENT_SIMULATOR"):
        from werkzeug.middleware.dispatcher import DispatcherMiddleware

        from .simulator import Simulator, SimulatorAccount

        c = app.config
        simulator = Simulator([SimulatorAccount(c["COINPAYMENTS_PUBLIC_KEY"], c["COINPAYMENTS_PRIVATE_KEY"],
                                                c["COINPAYMENTS_MERCHANT_ID"], c["COINPAYMENTS_IPN_SECRET"])])
        app.extensions["payment_simulator"] = simulator
        # Demo only (production refuses the setting): the simulator answers
        # under /_simulator in this same server, so the demo needs no other process.
        app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {SIMULATOR_PREFIX: simulator})


def _order_limit():
    return current_app.config["RECHARGE_ORDER_RATE_LIMIT"]


def _member_key():
    return f"member:{current_user.id}" if current_user.is_authenticated else request.remote_addr


def _owned_order(order_id):
    order = db.session.get(RechargeOrder, order_id)
    if order is None or (order.user_id != current_user.id and not current_user.is_admin):
        return None
    return order


# ------------------------------------------------------------------ JSON API

@api_bp.get("/recharge/packages")
def recharge_packages():
    currency = current_app.config["RECHARGE_PRICE_CURRENCY"]
    return jsonify([service.package_json(db.session, p, currency) for p in service.active_packages(db.session)])


@api_bp.post("/recharge/orders")
@login_required_json
@limiter.limit(_order_limit, key_func=_member_key)
def create_recharge_order():
    config = current_app.config
    data = json_body()
    package_id = get_int(data, "package_id", required=False, minimum=1)
    coins = get_int(data, "coins", required=False, minimum=1, maximum=10**9)
    if (package_id is None) == (coins is None):
        raise ApiError("bad_request", "Send either 'package_id' or 'coins'.")
    pay_currency = get_str(data, "pay_currency", required=False, max_length=20) or pay_currencies(config)[0]
    if pay_currency not in pay_currencies(config):
        raise ApiError("bad_request", f"Pay with one of: {', '.join(pay_currencies(config))}.")
    try:
        coins, bonus, price = service.quote(db.session, config, package_id=package_id, coins=coins)
    except service.RechargeError as exc:
        raise ApiError(exc.code, exc.message) from None
    order = service.create_order(
        db.session, current_user.id, coins=coins, bonus_coins=bonus, price=price,
        currency=config["RECHARGE_PRICE_CURRENCY"], pay_currency=pay_currency,
    )
    params = service.provider_request(order, public_url=public_url(config), buyer_email=current_user.email or "",
                                      buyer_name=current_user.username)
    order_id = order.id
    # The order exists before the provider hears of it; no transaction is open during the call.
    db.session.commit()
    result, error = None, None
    try:
        result = client_from_config(config).create_transaction(**params)
    except CoinPaymentsError as exc:
        error = exc.message
    order = db.session.get(RechargeOrder, order_id)
    service.record_provider_answer(db.session, order, result, error)
    db.session.commit()
    if error is not None or order.status != "pending":
        raise ApiError(
            "bad_gateway",
            f"The payment provider could not start this payment ({order.failure_reason}). "
            "Nothing was charged; please try again or choose another currency.",
        )
    return jsonify(service.order_json(order)), 201


@api_bp.get("/recharge/orders/<int:order_id>")
@login_required_json
def get_recharge_order(order_id):
    order = _owned_order(order_id)
    if order is None:
        raise ApiError("not_found", f"No order {order_id} of yours.")
    return jsonify(service.order_json(order))


@api_bp.get("/recharge/orders")
@login_required_json
def list_recharge_orders():
    orders = db.session.scalars(
        select(RechargeOrder).where(RechargeOrder.user_id == current_user.id).order_by(RechargeOrder.id.desc()).limit(100)
    ).all()
    return jsonify(items=[service.order_json(o) for o in orders])


# ------------------------------------------------------------------ IPN

@bp.post("/ipn/coinpayments")
@csrf_exempt
def coinpayments_ipn():
    raw = request.get_data(cache=True)  # the exact signed bytes; never re-encode a parsed form
    result = service.handle_ipn(
        db.session, raw, request.headers.get("HMAC"), current_app.config, remote_addr=request.remote_addr
    )
    db.session.commit()
    return result.body, result.http_status, {"Content-Type": "text/plain; charset=utf-8"}


# ------------------------------------------------------------------ pages

@bp.get("/recharge")
@login_required
def recharge_page():
    config = current_app.config
    currency = config["RECHARGE_PRICE_CURRENCY"]
    return render_template(
        "payments/recharge.html",
        packages=[service.package_json(db.session, p, currency) for p in service.active_packages(db.session)],
        currency=currency,
        pay_currencies=pay_currencies(config),
        custom_min=config["RECHARGE_CUSTOM_MIN"],
        custom_max=config["RECHARGE_CUSTOM_MAX"],
        price_per_coin=config["RECHARGE_PRICE_PER_COIN"],
    )


@bp.get("/recharge/orders")
@login_required
def order_history():
    orders = db.session.scalars(
        select(RechargeOrder).where(RechargeOrder.user_id == current_user.id).order_by(RechargeOrder.id.desc()).limit(200)
    ).all()
    return render_template("payments/orders.html", orders=orders)


def qr_svg(text):
    """The QR code as inline SVG, made here (no remote image)."""
    svg = segno.make(text, error="m").svg_inline(scale=4, dark="#111", light="#fff")
    return Markup(svg)  # segno's own markup; `text` is XML-escaped inside it


@bp.get("/recharge/orders/<int:order_id>")
@login_required
def order_page(order_id):
    order = _owned_order(order_id)
    if order is None:
        abort(404, "No such order of yours.")
    data = service.order_json(order)
    if order.status == COMPLETED:
        return render_template("payments/confirmation.html", order=order, data=data)
    return render_template(
        "payments/checkout.html",
        order=order,
        data=data,
        qr=qr_svg(order.address) if order.address else None,
        simulator=current_app.config.get("GOLDCOIN_PAYMENT_SIMULATOR"),
    )
