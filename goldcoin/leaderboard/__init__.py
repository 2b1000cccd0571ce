"""Who earned the most. SQL is the truth; Redis is an index of it (see store.py)."""
from .service import PERIODS, board_key, rank_of, ranking_sql, rebuild, top_earners  # noqa: F401


def init_app(app):
    from goldcoin.core.cli import add_commands

    from . import api, changes, store, subscriber  # noqa: F401 - api adds /api/v1/leaderboard; subscriber keeps Redis current
    from .cli import rebuild_leaderboard
    from .views import bp

    store.register_app(app)
    changes.init_app(app)
    app.register_blueprint(bp)
    add_commands(rebuild_leaderboard)
