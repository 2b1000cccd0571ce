"""Boards by coins earned from activity: periods, ties, Redis index == SQL."""
from datetime import datetime, timezone

import pytest
import redis
from sqlalchemy import update

from goldcoin.extensions import db
from goldcoin.leaderboard import rank_of, ranking_sql, rebuild, top_earners
from goldcoin.leaderboard.service import board_key
from goldcoin.ledger import MINT, reverse, system_account_id, transfer, wallet_id
from goldcoin.ledger.adjustments import adjust_balance
from goldcoin.ledger.models import Transfer
from goldcoin.redis_client import get_redis


def earn(app, user_id, coins, key, at=None):
    with app.app_context():
        posting = transfer(
            db.session, system_account_id(db.session, MINT), wallet_id(db.session, user_id), coins,
            kind="earn.test", key=key,
        )
        if at is not None:
            db.session.execute(update(Transfer).where(Transfer.id == posting.transfer.id).values(created_at=at))
        db.session.commit()
        return posting.transfer.id


def board(app, period="all", limit=10, moment=None):
    with app.app_context():
        return [(r["username"], r["coins"]) for r in top_earners(db.session, limit, period, moment)]


def sql_board(app, key):
    with app.app_context():
        return ranking_sql(db.session, key)


def do_rebuild(app):
    with app.app_context():
        return rebuild(db.session, get_redis(), app.config["REDIS_PREFIX"])


def redis_board(app, key):
    r = redis.Redis.from_url(app.config["REDIS_URL"], decode_responses=True)
    rows = r.zrange(app.config["REDIS_PREFIX"] + "lb:" + key, 0, -1, withscores=True)
    return [(i, int(m.rsplit(":", 1)[1]), int(-s)) for i, (m, s) in enumerate(rows, 1)]


def test_only_earned_coins_count_and_clawbacks_subtract(app, make_user):
    alice, bob = make_user("alice", coins=1000), make_user("bob")  # alice's 1000 are an adjustment
    first = earn(app, alice.id, 30, "e1")
    earn(app, bob.id, 50, "e2")
    assert board(app) == [("bob", 50), ("alice", 30)]
    with app.app_context():
        reverse(db.session, first, memo="spam")
        db.session.commit()
        assert rank_of(db.session, alice.id) is None
        assert rank_of(db.session, bob.id) == 1
    assert board(app) == [("bob", 50)]


def test_ties_go_to_who_reached_the_score_first(app, make_user):
    a, b, c = make_user("ann"), make_user("bob"), make_user("cat")
    earn(app, b.id, 20, "b1")
    earn(app, a.id, 10, "a1")
    earn(app, c.id, 20, "c1")
    earn(app, a.id, 10, "a2")  # a reaches 20 last
    assert board(app) == [("bob", 20), ("cat", 20), ("ann", 20)]
    with app.app_context():
        assert [rank_of(db.session, u.id) for u in (a, b, c)] == [3, 1, 2]


def test_month_and_week_boards_hold_only_their_period(app, make_user):
    a, b = make_user("ann"), make_user("bob")
    earn(app, a.id, 100, "old", at=datetime(2026, 10, 15, 12, tzinfo=timezone.utc))
    earn(app, b.id, 40, "nov", at=datetime(2026, 11, 18, 12, tzinfo=timezone.utc))  # Wed, ISO week 47
    earn(app, a.id, 5, "nov2", at=datetime(2026, 11, 23, 12, tzinfo=timezone.utc))  # Mon, week 48
    nov = datetime(2026, 11, 20, tzinfo=timezone.utc)
    assert board_key("month", nov) == "month:202611" and board_key("week", nov) == "week:2026-W47"
    assert board(app, "all", moment=nov) == [("ann", 105), ("bob", 40)]
    assert board(app, "month", moment=nov) == [("bob", 40), ("ann", 5)]
    assert board(app, "week", moment=nov) == [("bob", 40)]
    assert board(app, "week", moment=datetime(2026, 11, 24, tzinfo=timezone.utc)) == [("ann", 5)]
    assert board(app, "month", moment=datetime(2026, 10, 1, tzinfo=timezone.utc)) == [("ann", 100)]


def test_leaderboard_api_and_rank_in_me(app, make_user, make_api):
    a, b = make_user("ann"), make_user("bob")
    earn(app, a.id, 10, "a1")
    earn(app, b.id, 25, "b1")
    api = make_api("ann")
    body = api.get("/api/v1/leaderboard?period=month&limit=1").get_json()
    assert body == {"period": "month", "items": [{"rank": 1, "user_id": b.id, "username": "bob", "coins": 25}]}
    assert api.get("/api/v1/leaderboard?period=year").status_code == 400
    me = api.get("/api/v1/me").get_json()
    assert (me["rank"], me["rank_month"]) == (2, 2)
    page = api.get("/leaderboard?period=week").get_data(as_text=True)
    assert 'id="leaderboard-list" data-period="week"' in page and ">bob</a>" in page
    profile = api.get("/profile").get_data(as_text=True)
    assert "#2 this month" in profile


@pytest.fixture
def redis_app(redis_app_config, app):
    return app


def test_redis_index_follows_transfers_and_equals_sql(redis_app, make_user):
    app = redis_app
    users = [make_user(f"usr{i}") for i in range(6)]
    amounts = [30, 10, 30, 5, 10, 30]
    for i, (u, n) in enumerate(zip(users, amounts, strict=True)):
        earn(app, u.id, n, f"k{i}")
    ids = earn(app, users[3].id, 25, "k-extra")  # u3 reaches 30 last
    with app.app_context():
        reverse(db.session, ids, memo="oops")  # and falls back to 5
        adjust_balance(db.session, users[1].id, 500, reason="bought", key="x")  # not earned
        db.session.commit()
    for key in ("all", board_key("month"), board_key("week")):
        # Updated after each commit, before any rebuild:
        assert redis_board(app, key) == sql_board(app, key)
    assert board(app)[:3] == [("usr0", 30), ("usr2", 30), ("usr5", 30)]  # SQL (index not marked ready)
    do_rebuild(app)
    assert board(app)[:3] == [("usr0", 30), ("usr2", 30), ("usr5", 30)]  # now from Redis
    with app.app_context():
        assert rank_of(db.session, users[3].id) == 6
        assert rank_of(db.session, users[5].id) == 3


def test_flushed_redis_rebuilds_to_the_same_ranks(redis_app, make_user):
    app = redis_app
    users = [make_user(f"usr{i}") for i in range(5)]
    for i, u in enumerate(users):
        earn(app, u.id, 10 * (i % 3) + 10, f"k{i}")
    earn(app, users[0].id, 7, "old", at=datetime(2025, 12, 31, 23, 59, tzinfo=timezone.utc))
    counts = do_rebuild(app)
    assert "month:202512" in counts and "week:2026-W01" in counts  # Dec 31 2025 is in ISO week 2026-W01
    before = {key: redis_board(app, key) for key in counts}
    r = redis.Redis.from_url(app.config["REDIS_URL"])
    prefix = app.config["REDIS_PREFIX"]
    r.delete(*r.keys(prefix + "*"))
    assert board(app, limit=1) == [("usr2", 30)]  # read from SQL while the index is gone
    with app.app_context():
        from goldcoin.leaderboard.store import top
        assert top("all", 10) is None
    do_rebuild(app)
    after = {key: redis_board(app, key) for key in counts}
    assert after == before
    for key in counts:
        assert after[key] == sql_board(app, key)


def test_unreachable_redis_never_fails_a_transfer(app_config, make_user):
    from goldcoin import create_app
    from tests.support.server import free_port

    app_config.update({"REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"})
    from goldcoin.extensions import db as _db  # noqa: F401

    app = create_app(app_config)
    with app.app_context():
        from goldcoin.auth.service import register_member

        user = register_member(db.session, "lonely", "l@example.com", "password123")
        db.session.commit()
        uid = user.id
    earn(app, uid, 42, "e")
    assert board(app) == [("lonely", 42)]
    with app.app_context():
        assert rank_of(db.session, uid) == 1
