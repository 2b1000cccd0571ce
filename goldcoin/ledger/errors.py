"""The ledger's errors: a small named family under one base class."""
from flask_babel import lazy_gettext as _l

from goldcoin.core.errors import DomainError


class LedgerError(DomainError):
    """Base of every error the ledger raises."""


class InsufficientFunds(LedgerError):
    """The debited wallet does not hold the amount."""

    code = "insufficient_funds"
    # What a member is shown; the detail (which account, how much) stays in `detail`.
    public_message = _l("Not enough coins in the wallet.")

    def __init__(self, detail=""):
        super().__init__(str(self.public_message))
        self.detail = detail

    def __str__(self):
        return self.detail or self.message


class IdempotencyConflict(LedgerError):
    """The idempotency key was used before for a different transfer."""

    code = "conflict"


class AlreadyReversed(LedgerError):
    """The transfer has been reversed already."""

    code = "conflict"


class UnknownAccount(LedgerError):
    """No such account, or no wallet for that member."""
