"""Who earned the most. SQL is the truth; Redis is an index of it (see store.py)."""
from .service import PERIODS, board_key, rank_of, ranking_sql, rebuild, top_earners  # noqa: F401


def init_app(app):
    from . import store

    store.register_app(app)
