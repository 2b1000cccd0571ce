"""Payment settings: defaults from the environment, filled into app.config
when the payments blueprint is registered (so config.py stays untouched)."""
import os
from decimal import Decimal

from .coinpayments import DEFAULT_API_URL, CoinPaymentsClient

SIMULATOR_PREFIX = "/_simulator"
# The keys the mounted simulator knows; only ever used with the simulator on.
SIMULATOR_KEYS = {
    "COINPAYMENTS_PUBLIC_KEY": "simulator-public-key",
    "COINPAYMENTS_PRIVATE_KEY": "simulator-private-key",
    "COINPAYMENTS_IPN_SECRET": "simulator-ipn-secret",
    "COINPAYMENTS_MERCHANT_ID": "simulator-merchant",
}
PAY_CURRENCIES = ("USDT.TRC20", "USDT.ERC20", "BTC", "LTC")


def _env_list(name, default):
    raw = os.environ.get(name)
    return [x.strip() for x in raw.split(",") if x.strip()] if raw else list(default)


def defaults():
    env = os.environ.get
    return {
        "COINPAYMENTS_API_URL": env("COINPAYMENTS_API_URL") or None,  # None: real endpoint (or the simulator)
        "COINPAYMENTS_PUBLIC_KEY": env("COINPAYMENTS_PUBLIC_KEY"),
        "COINPAYMENTS_PRIVATE_KEY": env("COINPAYMENTS_PRIVATE_KEY"),
        "COINPAYMENTS_IPN_SECRET": env("COINPAYMENTS_IPN_SECRET"),
        "COINPAYMENTS_MERCHANT_ID": env("COINPAYMENTS_MERCHANT_ID"),
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


def configure(app):
    for key, value in defaults().items():
        app.config.setdefault(key, value)
    config = app.config
    if config.get("GOLDCOIN_PAYMENT_SIMULATOR"):
        for key, value in SIMULATOR_KEYS.items():
            if not config.get(key):
                config[key] = value
        if not config.get("COINPAYMENTS_API_URL"):
            config["COINPAYMENTS_API_URL"] = public_url(config) + SIMULATOR_PREFIX + "/api.php"
    if not config.get("COINPAYMENTS_API_URL"):
        config["COINPAYMENTS_API_URL"] = DEFAULT_API_URL


def public_url(config):
    return (config.get("GOLDCOIN_PUBLIC_URL") or "http://127.0.0.1:5000").rstrip("/")


def pay_currencies(config):
    currencies = list(config["RECHARGE_PAY_CURRENCIES"])
    if config.get("GOLDCOIN_PAYMENT_SIMULATOR") and "LTCT" not in currencies:
        currencies.append("LTCT")  # CoinPayments' test coin: only with the simulator
    return currencies


def client_from_config(config):
    return CoinPaymentsClient(
        config.get("COINPAYMENTS_PUBLIC_KEY"),
        config.get("COINPAYMENTS_PRIVATE_KEY"),
        api_url=config["COINPAYMENTS_API_URL"],
    )
