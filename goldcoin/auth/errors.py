"""Registration and credential errors."""
from goldcoin.core.errors import DomainError


class AuthError(DomainError):
    """Registration or credentials refused; the message is safe to show."""

    def __init__(self, message, field=None, code="bad_request"):
        # code: bad_request, or conflict for a taken name
        super().__init__(message, code=code)
        self.field = field
