"""Flask-Admin: packages, bonus tiers, orders (with their IPN trail and a
"poll now" action), the IPN audit table, and the providers' currencies
(switch each off or on; refresh the ids from the provider's list)."""
from flask import current_app, flash, redirect
from flask_admin import expose
from flask_admin.actions import action
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import select

from goldcoin.core import audit
from goldcoin.core.admin import ReadOnlyModelView, SecureModelView, actor_id
from goldcoin.core.errors import refusal_goes_to
from goldcoin.extensions import db
from goldcoin.formats import label

from .currencies import store_listing
from .models import BonusTier, IpnRecord, PaymentCurrency, RechargeOrder, RechargePackage
from .poller import apply_lookup, look_up_orders, pollable_orders
from .providers import REGISTRY, provider_named


class PackageView(SecureModelView):
    column_list = ("id", "coins", "price", "position", "active")
    form_columns = ("coins", "price", "position", "active")
    column_default_sort = "position"


class BonusTierView(SecureModelView):
    column_list = ("id", "min_coins", "percent", "active")
    form_columns = ("min_coins", "percent", "active")
    column_default_sort = "min_coins"


def _coins_cell(view, context, order, name):
    if not order.bonus_coins:
        return order.coins
    return Markup('{} <small class="text-muted" title="{}">+{}</small>').format(
        order.coins, _("bonus coins"), order.bonus_coins)


def _paid_in_cell(view, context, order, name):
    # The amount and its currency on two lines: "USDT.TRC20" does not wrap.
    amount = "" if order.pay_amount is None else order.pay_amount
    return Markup('{}<br><small class="text-muted">{}</small>').format(amount, order.pay_currency)


def _status_cell(view, context, order, name):
    if order.provider_status is None:
        return label(order.status)
    return Markup('{} <small class="text-muted" title="{}">({})</small>').format(
        label(order.status), order.provider_status_text or "", order.provider_status)


def _clipped(text, css="admin-clip"):
    """A long token cut to the column's width (`admin-clip-lines`: prose cut
    after two lines); the whole of it in the tooltip."""
    if not text:
        return ""
    return Markup('<span class="{}" title="{}">{}</span>').format(css, text, text)


class OrderView(ReadOnlyModelView):
    # Columns that fit 1280 px: coins with their bonus, amounts with their
    # currency, the provider's status beside ours, long ids clipped (whole in
    # the tooltip and on the details page).
    member_relations = ("user",)
    column_list = ("id", "created_at", "user", "coins", "price", "pay_amount", "status", "txn_id", "failure_reason")
    column_labels = {"price": _l("Price"), "pay_amount": _l("Paid in"), "txn_id": _l("Transaction"),
                     "failure_reason": _l("Failure reason")}
    column_filters = ("status", "pay_currency", "created_at", "txn_id", "provider_status")
    column_searchable_list = ("txn_id", "address")
    column_default_sort = ("id", True)
    column_details_list = (
        "id", "user", "status", "coins", "bonus_coins", "price", "currency", "pay_currency", "pay_amount",
        "provider", "txn_id", "address", "dest_tag", "confirms_needed", "received_confirms", "received_amount",
        "provider_status", "provider_status_text", "failure_reason", "expires_at", "checkout_url",
        "created_at", "updated_at", "completed_at", "last_polled_at", "ipn_trail",
    )
    column_export_list = ("id", "created_at", "user", "coins", "bonus_coins", "price", "currency", "pay_currency",
                          "pay_amount", "status", "provider_status", "txn_id", "failure_reason")
    column_formatters_export = {}  # the CSV keeps the stored values
    can_export = True
    export_types = ["csv"]

    def _ipn_trail(view, context, order, name):
        rows = db.session.scalars(select(IpnRecord).where(IpnRecord.order_id == order.id).order_by(IpnRecord.id)).all()
        items = "".join(
            f"<li>{escape(r.received_at)} status {escape(r.status)} ipn {escape(r.ipn_id)}: "
            f"<b>{escape(r.verdict)}</b> ({r.http_status}) {escape(r.reason or '')}</li>"
            for r in rows
        )
        return Markup(f"<ul>{items}</ul>" if items else "none")

    column_formatters = {
        "ipn_trail": _ipn_trail,
        "coins": _coins_cell,
        "price": lambda view, context, order, name: f"{order.price} {order.currency}",
        "pay_amount": _paid_in_cell,
        "status": _status_cell,
        "txn_id": lambda view, context, order, name: _clipped(order.txn_id),
        "failure_reason": lambda view, context, order, name: _clipped(order.failure_reason, "admin-clip-lines"),
    }
    # The details page shows every value whole.
    column_formatters_detail = {"ipn_trail": _ipn_trail}

    @action("poll_now", _l("Poll now"), _l("Ask the payment provider about the selected pending orders now?"))
    def action_poll_now(self, ids):
        orders = pollable_orders(db.session, [int(i) for i in ids])[:25]
        if not orders:
            flash(_("None of the selected orders is pending with a provider transaction."), "info")
            return
        # Explicit commit: the provider call must sit between two transactions
        # (on SQLite an open one holds the write lock). Only reads happened.
        db.session.commit()
        config = current_app.config
        # A provider refusal propagates: the one handler flashes it and goes back.
        answers = look_up_orders(orders, lambda name: provider_named(name, config))
        verdicts = [f"#{row.id}: {apply_lookup(db.session, row.id, answers.get(row.id))}" for row in orders]
        flash(_("Polled %(verdicts)s", verdicts=", ".join(verdicts)), "success")


class IpnRecordView(ReadOnlyModelView):
    column_list = ("id", "received_at", "order_id", "txn_id", "ipn_id", "status", "verdict", "http_status",
                   "reason", "remote_addr")
    column_filters = ("verdict", "order_id", "txn_id", "http_status", "received_at")
    column_searchable_list = ("txn_id", "ipn_id")
    column_default_sort = ("id", True)


class CurrencyView(SecureModelView):
    """One row per provider and currency the shop names: the provider's id for
    it (cached from its list) and whether new orders may be paid in it."""

    list_template = "payments/admin_currencies.html"
    column_list = ("provider", "ticker", "code", "name", "kind", "source", "enabled", "refreshed_at")
    column_filters = ("provider", "enabled", "kind")
    column_default_sort = [("provider", False), ("ticker", False)]
    form_columns = ("enabled",)  # ids come from the provider's list, never typed in
    can_create = False
    can_delete = False

    def _switch(self, ids, enabled):
        rows = db.session.scalars(select(PaymentCurrency).where(PaymentCurrency.id.in_([int(i) for i in ids]))).all()
        for row in rows:
            if row.enabled != enabled:
                row.enabled = enabled
                audit.record(db.session, actor_id(), "currency.enable" if enabled else "currency.disable",
                             f"PaymentCurrency:{row.id}", provider=row.provider, ticker=row.ticker)
        tickers = ", ".join(r.ticker for r in rows)
        flash(_("Offered: %(tickers)s", tickers=tickers) if enabled else _("No longer offered: %(tickers)s", tickers=tickers),
              "success")

    @action("disable", _l("Switch off"), _l("Stop offering the selected currencies for new orders?"))
    def action_disable(self, ids):
        self._switch(ids, False)

    @action("enable", _l("Switch on"), _l("Offer the selected currencies for new orders?"))
    def action_enable(self, ids):
        self._switch(ids, True)

    @expose("/refresh/", methods=("POST",))
    def refresh_view(self):
        """Read each provider's currency list and cache the ids the shop needs."""
        config = current_app.config
        refusal_goes_to(self.get_url(".index_view"))  # a provider refusal: back to the list, flashed
        # Explicit commit: no transaction may stay open during the provider
        # calls (on SQLite an open one holds the write lock). Only reads happened.
        db.session.commit()
        for name, cls in REGISTRY.items():
            if not cls.has_currency_list:
                continue
            provider = provider_named(name, config)
            missing = store_listing(db.session, name, provider.currency_list(), config)
            audit.record(db.session, actor_id(), "currency.refresh", name, missing=missing)
            if missing:
                flash(_("%(title)s: currency ids refreshed; not in its list: %(missing)s.", title=cls.title,
                        missing=", ".join(missing)), "warning")
            else:
                flash(_("%(title)s: currency ids refreshed.", title=cls.title), "success")
        return redirect(self.get_url(".index_view"))


def register_admin(site, db):
    site.add_view(PackageView(RechargePackage, db, name=_l("Packages"), endpoint="recharge_packages", category=_l("Recharge")))
    site.add_view(BonusTierView(BonusTier, db, name=_l("Bonus tiers"), endpoint="bonus_tiers", category=_l("Recharge")))
    site.add_view(OrderView(RechargeOrder, db, name=_l("Orders"), endpoint="recharge_orders", category=_l("Recharge")))
    site.add_view(IpnRecordView(IpnRecord, db, name=_l("IPN audit"), endpoint="ipn_records", category=_l("Recharge")))
    site.add_view(CurrencyView(PaymentCurrency, db, name=_l("Currencies"), endpoint="payment_currencies",
                               category=_l("Recharge")))
