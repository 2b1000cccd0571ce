"""The leaderboard push: only when the top changes, throttled per board, and
the last change of a burst is pushed (trailing) rather than lost."""
import threading

import pytest

from goldcoin.extensions import db
from goldcoin.ledger import MINT, system_account_id, transfer, wallet_id
from goldcoin.realtime import leaderboard_push


@pytest.fixture
def pushes(monkeypatch):
    seen, changed = [], threading.Condition()

    def record(period, items):
        with changed:
            seen.append((period, [(i["username"], i["coins"]) for i in items]))
            changed.notify_all()

    monkeypatch.setattr(leaderboard_push, "_emit", record)
    return seen, changed


def earn(app, user_id, coins, key):
    with app.app_context():
        transfer(db.session, system_account_id(db.session, MINT), wallet_id(db.session, user_id), coins,
                 kind="earn.test", key=key)
        db.session.commit()


def hold_window(app, period, with_redis):
    import time

    from goldcoin.leaderboard.service import board_key

    key = board_key(period)
    if with_redis:
        from goldcoin.redis_client import get_redis

        with app.app_context():
            get_redis().set(app.config["REDIS_PREFIX"] + "lb:push:" + key, "1", px=5000)
    else:
        leaderboard_push._local["windows"][key] = time.monotonic() + 5


def wait_for(changed, predicate):
    with changed:
        assert changed.wait_for(predicate, timeout=20)


@pytest.mark.parametrize("with_redis", [True, False])
def test_burst_gives_one_push_now_and_one_with_the_final_top(request, app_config, pushes, with_redis):
    if with_redis:
        request.getfixturevalue("redis_app_config")
    app = request.getfixturevalue("app")
    make_user = request.getfixturevalue("make_user")
    seen, changed = pushes
    ann, bob = make_user("ann"), make_user("bob")
    earn(app, ann.id, 10, "a1")
    wait_for(changed, lambda: {p for p, _ in seen} == {"all", "month", "week"})
    first = list(seen)
    assert all(items == [("ann", 10)] for _, items in first)
    # Another process holds the "all" window (5 s): a burst of changes meanwhile
    # must give exactly one push, after the window, with the final top.
    hold_window(app, "all", with_redis)
    count = len(seen)
    earn(app, bob.id, 20, "b1")
    earn(app, ann.id, 15, "a2")
    earn(app, bob.id, 1, "b2")
    earn(app, ann.id, 10, "a3")
    final = [("ann", 35), ("bob", 21)]
    wait_for(changed, lambda: any(p == "all" and items == final for p, items in seen[count:]))
    assert [items for p, items in seen[count:] if p == "all"] == [final]
    # A transfer that does not change the top pushes nothing.
    carl = make_user("carl")
    count = len(seen)
    with app.app_context():
        from goldcoin.ledger.adjustments import adjust_balance
        adjust_balance(db.session, carl.id, 5, reason="not earned", key="c")
        db.session.commit()
    earn(app, ann.id, 1, "a4")  # changes the top: proves the pipeline is still alive
    wait_for(changed, lambda: any(items and items[0] == ("ann", 36) for p, items in seen[count:] if p == "all"))
    assert all(items[0][1] == 36 for p, items in seen[count:] if p == "all")
