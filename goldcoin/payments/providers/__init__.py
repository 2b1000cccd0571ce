"""Payment providers, looked up by the name stored on each order
(`RechargeOrder.provider`): an order is created, notified and polled through
the provider that made it, whatever `RECHARGE_PROVIDER` picks for new orders.

The interface is in `base.py`. Adding a provider is one module that subclasses
`Provider` and one line in REGISTRY; its notifications arrive at its
`notify_path`, by default `/ipn/<name>`.
"""
from ..errors import UnknownProvider
from .base import Incoming, NewPayment, Notification, PaymentRequest, PaymentStatus, Provider, ProviderCurrency, Trail
from .coinpayments_legacy import CoinPaymentsLegacy
from .coinpayments_v2 import CoinPaymentsV2

__all__ = [
    "REGISTRY", "Incoming", "NewPayment", "Notification", "PaymentRequest", "PaymentStatus", "Provider",
    "ProviderCurrency", "Trail", "configure", "is_registered", "notify_path", "provider_named",
]

# The name on an order -> the class that speaks to that provider.
REGISTRY = {
    CoinPaymentsLegacy.name: CoinPaymentsLegacy,
    CoinPaymentsV2.name: CoinPaymentsV2,
}


def is_registered(name):
    return name in REGISTRY


def notify_path(name):
    """Where the provider of that name POSTs its notifications."""
    cls = REGISTRY.get(name)
    return (cls.notify_path if cls is not None else None) or f"/ipn/{name}"


def provider_named(name, config):
    """The provider of that name, built from the app's config."""
    cls = REGISTRY.get(name)
    if cls is None:
        raise UnknownProvider(f"No payment provider {name!r} is registered.")
    return cls(config)


def configure(config):
    """Every provider's settings with their defaults; refuse to start when new
    orders would go to a provider that does not exist."""
    for cls in REGISTRY.values():
        for key, value in cls.defaults().items():
            config.setdefault(key, value)
        cls.configure(config)
    if config["RECHARGE_PROVIDER"] not in REGISTRY:
        raise RuntimeError(
            f"RECHARGE_PROVIDER={config['RECHARGE_PROVIDER']!r} is not one of: {', '.join(REGISTRY)}")
