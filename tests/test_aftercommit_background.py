"""After-commit work of a request runs off its response: a stalled subscriber
(Redis hanging, a slow message queue) does not hold up the money response, and
the committed coins stand whatever the subscriber does."""
import threading

import pytest

from goldcoin.aftercommit import _subscribers, subscribe, wait_idle
from goldcoin.auth.service import create_token
from goldcoin.extensions import db
from goldcoin.ledger import balance_of, wallet_id


@pytest.fixture
def background(app_config):
    app_config["GOLDCOIN_AFTERCOMMIT_BACKGROUND"] = True


@pytest.fixture
def stalled_subscriber():
    entered, release, done, order = threading.Event(), threading.Event(), threading.Event(), []

    def stall(payload):
        order.append(payload["transfer_id"])
        entered.set()
        release.wait(5)  # a Redis call hanging until its timeout
        done.set()

    subscribe("transfer_posted")(stall)
    yield entered, release, done, order
    release.set()
    _subscribers["transfer_posted"].remove(stall)


def test_a_stalled_subscriber_does_not_hold_up_the_response(background, app, client, stalled_subscriber):
    entered, release, done, order = stalled_subscriber
    with app.app_context():
        _, token = create_token(db.session, "forum", "events")
        db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    body = {"id": "e-1", "type": "solution.accepted", "user": {"external_id": "f-1", "username": "forum ann"},
            "object_id": "s-1"}
    second = dict(body, id="e-2", object_id="s-2")

    first_response = client.post("/api/v1/events", json=body, headers=headers)
    second_response = client.post("/api/v1/events", json=second, headers=headers)
    assert first_response.status_code == second_response.status_code == 202
    assert not done.is_set(), "the response waited for the after-commit work"

    release.set()
    wait_idle()
    assert done.is_set() and len(order) == 2 and order == sorted(order)  # run once each, in commit order
    with app.app_context():
        from goldcoin.earning.models import ExternalMember

        user_id = db.session.query(ExternalMember.user_id).scalar()
        assert balance_of(db.session, wallet_id(db.session, user_id)) == 40


def test_outside_a_request_subscribers_run_at_commit(background, app, session, make_user, stalled_subscriber):
    """A CLI command or a worker may exit right after its commit: nothing is left queued."""
    from goldcoin.ledger import MINT, system_account_id, transfer

    entered, release, done, order = stalled_subscriber
    release.set()
    alice = wallet_id(session, make_user().id)
    transfer(session, system_account_id(session, MINT), alice, 3, kind="earn.x", key="inline-1")
    session.commit()
    assert done.is_set() and len(order) == 1
