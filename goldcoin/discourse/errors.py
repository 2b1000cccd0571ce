"""The Discourse integration's refusals. Each carries its API.md error code."""
from goldcoin.core.errors import DomainError


class DiscourseError(DomainError):
    """Base of the Discourse integration's refusals."""


class ForgedDelivery(DiscourseError):
    """The delivery's signature does not match the configured secret."""

    code = "unauthorized"


class NotConfigured(DiscourseError):
    """The integration's secret is not set in this deployment's environment."""

    code = "unavailable"


class MalformedDelivery(DiscourseError):
    """A signed delivery Gold Coin cannot read; the message says what is wrong."""


class OtherForum(DiscourseError):
    """A signed delivery from another forum than the configured one."""

    code = "forbidden"


class ConnectRefused(DiscourseError):
    """A DiscourseConnect answer that is forged, stale, replayed or incomplete."""

    code = "forbidden"
