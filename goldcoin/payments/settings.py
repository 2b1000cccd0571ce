"""Payment settings: defaults from the environment, filled into app.config by
`payments.init_app` (so config.py stays untouched). Each provider adds its own
(`Provider.defaults`). A leaf: it imports no provider."""
import os
from decimal import Decimal

SIMULATOR_PREFIX = "/_simulator"
# The keys the mounted simulator knows; only ever used with the simulator on.
SIMULATOR_KEYS = {
    "COINPAYMENTS_PUBLIC_KEY": "simulator-public-key",
    "COINPAYMENTS_PRIVATE_KEY": "simulator-private-key",
    "COINPAYMENTS_IPN_SECRET": "simulator-ipn-secret",
    "COINPAYMENTS_MERCHANT_ID": "simulator-merchant",
    "COINPAYMENTS_CLIENT_ID": "simulator-client-id",
    "COINPAYMENTS_CLIENT_SECRET": "simulator-client-secret",
}
# COINPAYMENTS_API -> the provider new orders go to (unless RECHARGE_PROVIDER names one).
COINPAYMENTS_APIS = {"legacy": "coinpayments", "v2": "coinpayments_v2"}
PAY_CURRENCIES = ("USDT.TRC20", "USDT.ERC20", "BTC", "LTC")


def _env_list(name, default):
    raw = os.environ.get(name)
    return [x.strip() for x in raw.split(",") if x.strip()] if raw else list(default)


def defaults():
    env = os.environ.get
    return {
        # Which CoinPayments platform new orders use: legacy (api.php, IPNs) or
        # v2 (invoices, webhooks). Orders already made keep their own.
        "COINPAYMENTS_API": env("COINPAYMENTS_API", "legacy").strip().lower(),
        "RECHARGE_PRICE_PER_COIN": Decimal(env("RECHARGE_PRICE_PER_COIN", "1")),
        "RECHARGE_PRICE_CURRENCY": env("RECHARGE_PRICE_CURRENCY", "CNY"),
        "RECHARGE_CUSTOM_MIN": int(env("RECHARGE_CUSTOM_MIN", "10")),
        "RECHARGE_CUSTOM_MAX": int(env("RECHARGE_CUSTOM_MAX", "100000")),
        "RECHARGE_PAY_CURRENCIES": _env_list("RECHARGE_PAY_CURRENCIES", PAY_CURRENCIES),
        "RECHARGE_ORDER_RATE_LIMIT": env("RECHARGE_ORDER_RATE_LIMIT", "10 per minute"),
        # An order that never got a provider transaction is given up after this.
        "RECHARGE_UNSENT_ORDER_TIMEOUT": int(env("RECHARGE_UNSENT_ORDER_TIMEOUT", "3600")),
        "MAIL_SERVER": env("MAIL_SERVER") or None,
        "MAIL_PORT": int(env("MAIL_PORT", "25")),
        "MAIL_USERNAME": env("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": (env("MAIL_USE_TLS", "") or "").lower() in ("1", "true", "yes", "on"),
        "MAIL_DEFAULT_SENDER": env("MAIL_DEFAULT_SENDER") or None,
    }


def configure(config):
    for key, value in defaults().items():
        config.setdefault(key, value)
    # The provider new orders go to (a name in providers.REGISTRY): RECHARGE_PROVIDER
    # if set, else the one COINPAYMENTS_API picks. Orders already made keep being
    # settled by the provider named on them.
    api = config["COINPAYMENTS_API"]
    if api not in COINPAYMENTS_APIS:
        raise RuntimeError(f"COINPAYMENTS_API={api!r} is not one of: {', '.join(COINPAYMENTS_APIS)}")
    if not config.get("RECHARGE_PROVIDER"):
        config["RECHARGE_PROVIDER"] = os.environ.get("RECHARGE_PROVIDER") or COINPAYMENTS_APIS[api]


def mount_simulator(app):
    """Demo only (production refuses the setting): the simulator answers under
    /_simulator in this same server, so the demo needs no other process."""
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    from .simulator import Simulator, SimulatorAccount, SimulatorIntegration

    c = app.config
    simulator = Simulator([SimulatorAccount(c["COINPAYMENTS_PUBLIC_KEY"], c["COINPAYMENTS_PRIVATE_KEY"],
                                            c["COINPAYMENTS_MERCHANT_ID"], c["COINPAYMENTS_IPN_SECRET"])],
                          [SimulatorIntegration(c["COINPAYMENTS_CLIENT_ID"], c["COINPAYMENTS_CLIENT_SECRET"])])
    app.extensions["payment_simulator"] = simulator
    app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {SIMULATOR_PREFIX: simulator})


def public_url(config):
    return (config.get("GOLDCOIN_PUBLIC_URL") or "http://127.0.0.1:5000").rstrip("/")


def pay_currencies(config):
    currencies = list(config["RECHARGE_PAY_CURRENCIES"])
    if config.get("GOLDCOIN_PAYMENT_SIMULATOR") and "LTCT" not in currencies:
        currencies.append("LTCT")  # CoinPayments' test coin: only with the simulator
    return currencies
