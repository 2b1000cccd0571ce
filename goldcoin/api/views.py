"""Importing this module registers every /api/v1 route on the blueprint."""
from goldcoin.earning import api as _earning_api  # noqa: F401
from goldcoin.leaderboard import api as _leaderboard_api  # noqa: F401
from goldcoin.store import api as _store_api  # noqa: F401

from . import admin, auth, me  # noqa: F401
from .blueprint import bp  # noqa: F401
