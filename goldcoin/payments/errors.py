"""Payments errors. Each carries the API.md error code it answers with; the one
handler of goldcoin.core.errors turns them into the answer."""
from goldcoin.core.errors import DomainError


class RechargeError(DomainError):
    """A recharge refused; the message is safe to show to the member."""

    code = "bad_request"


class PackageNotFound(RechargeError):
    code = "not_found"


class OrderNotFound(RechargeError):
    """No such order of yours."""

    code = "not_found"


class IllegalTransition(RechargeError):
    """An order may not move to that status (never backwards)."""

    code = "conflict"

    def __init__(self, order, status):
        super().__init__(f"order {order.id} cannot go from {order.status} to {status}")


class UnknownProvider(RechargeError):
    """An order or the configuration names a provider that is not registered."""

    code = "internal_error"


class ProviderError(RechargeError):
    """A payment provider refused a call (its own words are the message), could
    not be reached, or answered something we cannot read.

    The message is technical, for the log and admins (an admin's "poll now"
    shows it); a member is told in plain words (orders.failure_text)."""

    code = "bad_gateway"


class ProviderUnreachable(ProviderError):
    """The provider could not be reached at all (refused connection, timeout, DNS)."""


class PaymentNotStarted(ProviderError):
    """The order was stored but the provider did not start its payment; the
    order is failed and nothing was charged. The message is the member's
    (orders.failure_text); the provider's own words are in the log and on the
    admin's view of the order."""


class NotificationRefused(RechargeError):
    """A provider notification (an IPN, a webhook) that is malformed (400) or
    not authentic (401 for webhooks, 403 for IPNs: each as its contract says).
    `trail` keeps what could be read of it, for the audit."""

    _CODES = {401: "unauthorized", 403: "forbidden"}

    def __init__(self, reason, status=400, trail=None):
        super().__init__(reason, code=self._CODES.get(status, "bad_request"), status=status)
        self.trail = trail
