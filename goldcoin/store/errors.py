"""Store errors. Each carries the API.md error code it answers with."""
from goldcoin.core.errors import DomainError


class StoreError(DomainError):
    code = "bad_request"


class InvalidReward(StoreError):
    code = "bad_request"


class RewardNotFound(StoreError):
    code = "not_found"


class OutOfStock(StoreError):
    code = "out_of_stock"


class LimitReached(StoreError):
    code = "limit_reached"


class KeyReused(StoreError):
    """An Idempotency-Key used before for a different reward."""

    code = "conflict"


class InvalidTitle(StoreError):
    code = "bad_request"


class NotEntitled(StoreError):
    """The member lacks an entitlement the store sells: a state they can
    change by buying it (409, back to the form), not a 403 of who they are."""

    code = "conflict"
