"""Community errors."""
from goldcoin.core.errors import DomainError


class CommunityError(DomainError):
    """A refused community action; the message is safe to show."""
