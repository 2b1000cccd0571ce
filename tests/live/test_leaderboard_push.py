"""The leaderboard push tick, seen by a real Socket.IO client of the app
served over HTTP from this process: a push only when the top changes, at
most one per board per tick, the last change of a burst pushed, not lost."""
import queue
from contextlib import contextmanager

import pytest
import socketio

from goldcoin.extensions import db
from goldcoin.leaderboard.service import board_key
from goldcoin.ledger import MINT, reverse, system_account_id, transfer, wallet_id
from goldcoin.realtime.leaderboard_push import tick_of
from tests.support.server import ServerThread, login_session

WAIT = 20  # seconds to wait for an event that must come (not a timing assertion)
BOARDS = {"all", "month", "week"}


def earn(app, user_id, coins, key, take_back=False):
    with app.app_context():
        posting = transfer(db.session, system_account_id(db.session, MINT), wallet_id(db.session, user_id), coins,
                           kind="earn.test", key=key)
        if take_back:  # in the same transaction: the boards are marked, the tops end as they were
            reverse(db.session, posting.transfer.id, memo="undone")
        db.session.commit()


@contextmanager
def listening(app, username):
    """A member's Socket.IO client connected to `app`; yields the queue of its
    `leaderboard` events as (period, [(username, coins)])."""
    events = queue.Queue()
    with ServerThread(app) as server:
        client = socketio.Client(reconnection=False, http_session=login_session(server.base, username, "password123"))
        client.on("leaderboard", lambda data: events.put(
            (data["period"], [(i["username"], i["coins"]) for i in data["items"]])))
        client.connect(server.base, transports=["polling"], wait_timeout=WAIT)
        try:
            yield events
        finally:
            client.disconnect()


def next_pushes(events, count):
    return [events.get(timeout=WAIT) for _ in range(count)]


def push_app(request, app_config, with_redis):
    app_config["GOLDCOIN_LEADERBOARD_PUSH_MS"] = 200  # the throttle is proven by holding ticks, not by waiting
    if with_redis:
        request.getfixturevalue("redis_app_config")
    return request.getfixturevalue("app")


@pytest.fixture(params=[False, True], ids=["one-process", "redis"])
def served_app(request, app_config):
    return push_app(request, app_config, request.param)


@pytest.fixture
def redis_served_app(request, app_config):
    return push_app(request, app_config, True)


def test_one_push_per_board_per_tick_with_the_final_top_and_none_without_change(served_app, make_user):
    app = served_app
    ann, bob, carl = make_user("ann"), make_user("bob"), make_user("carl")
    tick = tick_of(app)
    with listening(app, "carl") as events:
        earn(app, ann.id, 10, "a1")
        assert sorted(next_pushes(events, 3)) == [(p, [("ann", 10)]) for p in sorted(BOARDS)]

        # Four changes between two ticks give one push per board, with the top as it ends.
        with tick.held():
            earn(app, bob.id, 20, "b1")
            earn(app, ann.id, 15, "a2")
            earn(app, bob.id, 1, "b2")
            earn(app, ann.id, 10, "a3")
        final = [("ann", 35), ("bob", 21)]
        assert sorted(next_pushes(events, 3)) == [(p, final) for p in sorted(BOARDS)]

        # Marked boards whose top did not change push nothing: the next event is the next change.
        with tick.held():
            earn(app, carl.id, 50, "c1", take_back=True)
        assert tick.wait_idle(WAIT)
        earn(app, carl.id, 1, "c2")
        assert sorted(next_pushes(events, 3)) == [(p, final + [("carl", 1)]) for p in sorted(BOARDS)]


def test_a_window_held_by_another_process_delays_that_board_only(redis_served_app, make_user):
    from goldcoin.redis_client import get_redis

    app = redis_served_app

    ann = make_user("ann")
    with app.app_context():
        r, window = get_redis(), app.config["REDIS_PREFIX"] + "lb:push:" + board_key("all")
    with listening(app, "ann") as events:
        r.set(window, "another process pushed `all` just now")  # no expiry: held until deleted below
        earn(app, ann.id, 7, "a1")
        # One tick emits the boards in the order all, month, week: `all` is kept back.
        assert sorted(next_pushes(events, 2)) == [("month", [("ann", 7)]), ("week", [("ann", 7)])]
        earn(app, ann.id, 3, "a2")
        assert sorted(next_pushes(events, 2)) == [("month", [("ann", 10)]), ("week", [("ann", 10)])]
        r.delete(window)
        assert next_pushes(events, 1) == [("all", [("ann", 10)])]  # with the top as it is by then
        earn(app, ann.id, 1, "a3")  # the next event is this change: `all` was pushed once
        assert sorted(next_pushes(events, 3)) == [(p, [("ann", 11)]) for p in sorted(BOARDS)]


def test_each_app_has_its_own_tick(app_config):
    from goldcoin import create_app

    one, two = create_app(app_config), create_app(app_config)
    assert tick_of(one) is not tick_of(two) and tick_of(one).app is one
