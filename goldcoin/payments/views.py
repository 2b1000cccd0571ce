"""Recharge pages and the endpoint providers POST their notifications to.
Thin: call the domain, render; refusals propagate to the one handler."""
import segno
from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select

from goldcoin.core.transaction import keep_changes_on_error
from goldcoin.extensions import db
from goldcoin.ledger import balance_of, wallet_id
from goldcoin.security import csrf_exempt
from goldcoin.store.entitlements import has_content_access
from goldcoin.store.models import CONTENT_ACCESS
from goldcoin.store.service import first_active_reward

from .currencies import offered_currencies
from .ipn import handle_notification
from .models import COMPLETED, RechargeOrder
from .orders import failure_text, order_json, owned_order
from .pricing import active_packages, bonus_hint, package_json
from .providers import REGISTRY, Incoming, is_registered, notify_path, provider_named
from .settings import public_url

bp = Blueprint("payments", __name__)


# ------------------------------------------------------------------ notifications

@bp.post("/ipn/<provider>")
@csrf_exempt
def provider_notification(provider):
    """CoinPayments' IPNs at /ipn/coinpayments; any registered provider's at its
    `notify_path` (CoinPayments v2: /webhooks/coinpayments), by default /ipn/<its name>."""
    if not is_registered(provider) or request.path != notify_path(provider):
        abort(404)  # a provider with a path of its own is heard only there
    config = current_app.config
    incoming = Incoming(
        body=request.get_data(cache=True),  # the exact signed bytes; never re-encode a parsed form
        headers=request.headers,
        # The URL the sender called (webhook signatures cover it): behind a
        # proxy request.url is the forwarded one, so take the public URL.
        url=public_url(config) + request.full_path.rstrip("?"),
        remote_addr=request.remote_addr,
    )
    result = handle_notification(db.session, provider_named(provider, config), incoming)
    if result.http_status >= 400:
        # A refusal changed nothing but its own audit record: keep that.
        keep_changes_on_error()
    return result.body, result.http_status, {"Content-Type": "text/plain; charset=utf-8"}


for _name, _cls in REGISTRY.items():
    if _cls.notify_path:  # API.md names the path: POST /webhooks/coinpayments
        bp.add_url_rule(_cls.notify_path, f"notify_{_name}", provider_notification, methods=["POST"],
                        defaults={"provider": _name})


# ------------------------------------------------------------------ pages

@bp.get("/recharge")
@login_required
def recharge_page():
    config = current_app.config
    currency = config["RECHARGE_PRICE_CURRENCY"]
    return render_template(
        "payments/recharge.html",
        packages=[package_json(db.session, p, currency) for p in active_packages(db.session)],
        currency=currency,
        pay_currencies=offered_currencies(db.session, config),
        custom_min=config["RECHARGE_CUSTOM_MIN"],
        custom_max=config["RECHARGE_CUSTOM_MAX"],
        price_per_coin=config["RECHARGE_PRICE_PER_COIN"],
        bonus_hint=bonus_hint(db.session),
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
    order = owned_order(db.session, order_id, current_user)
    data = order_json(order)
    if order.status == COMPLETED:
        # Where the coins go next: the premium EAs if the member already has
        # Premium EA Access, else that reward in the store (with the balance).
        return render_template(
            "payments/confirmation.html", order=order, data=data,
            balance=int(balance_of(db.session, wallet_id(db.session, order.user_id))),
            premium=has_content_access(db.session, order.user_id),
            premium_reward=first_active_reward(db.session, CONTENT_ACCESS),
        )
    return render_template(
        "payments/checkout.html",
        order=order,
        data=data,
        qr=qr_svg(order.address) if order.address else None,
        failure=failure_text(order),
        simulator=current_app.config.get("GOLDCOIN_PAYMENT_SIMULATOR"),
    )
