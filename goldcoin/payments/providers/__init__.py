"""Payment providers, looked up by the name stored on each order
(`RechargeOrder.provider`): an order is created, notified and polled through
the provider that made it, whatever `RECHARGE_PROVIDER` picks for new orders.

The interface is in `base.py`. Adding a provider is one module that subclasses
`Provider` and one line in REGISTRY; its notifications arrive at `/ipn/<name>`.
"""
from ..errors import UnknownProvider
from .base import Incoming, NewPayment, Notification, PaymentRequest, PaymentStatus, Provider, Trail
from .coinpayments_legacy import CoinPaymentsLegacy

__all__ = [
    "REGISTRY", "Incoming", "NewPayment", "Notification", "PaymentRequest", "PaymentStatus", "Provider", "Trail",
    "configure", "is_registered", "provider_named",
]

# The name on an order -> the class that speaks to that provider.
REGISTRY = {
    CoinPaymentsLegacy.name: CoinPaymentsLegacy,
}


def is_registered(name):
    return name in REGISTRY


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
