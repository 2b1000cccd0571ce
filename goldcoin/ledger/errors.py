class LedgerError(Exception):
    """Base of every error the ledger raises."""


class InsufficientFunds(LedgerError):
    """The debited wallet does not hold the amount."""


class IdempotencyConflict(LedgerError):
    """The idempotency key was used before for a different transfer."""


class AlreadyReversed(LedgerError):
    """The transfer has been reversed already."""


class UnknownAccount(LedgerError):
    """No such account, or no wallet for that member."""
