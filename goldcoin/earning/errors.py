"""Earning errors."""
from goldcoin.core.errors import DomainError


class EarningError(DomainError):
    """Base of the earning domain's refusals."""


class UnknownRule(EarningError, LookupError):
    """No earning rule of that code."""

    code = "not_found"


class EventError(EarningError, ValueError):
    """The event is malformed; the message says what is wrong."""
