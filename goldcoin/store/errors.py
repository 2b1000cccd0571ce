"""Store errors. Each carries the API.md error code it answers with."""


class StoreError(Exception):
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
    code = "forbidden"
