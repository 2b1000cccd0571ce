"""Signed Discourse webhooks over real HTTP to the real server (app.py on
gevent, the test database): a forum's week in one story, checked in the
books; the `app` fixture's teardown reconciles the ledger afterwards."""
import pytest

from tests.discourse.forum import CONNECT_SECRET, FORUM, SECRET, Forum, post, requests_sender, topic, user
from tests.support.server import running_server


@pytest.fixture
def server(app, app_config):
    env = {"DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"], "DISCOURSE_WEBHOOK_SECRET": SECRET,
           "DISCOURSE_CONNECT_SECRET": CONNECT_SECRET, "DISCOURSE_URL": FORUM}
    with running_server(env) as base:
        yield base


def test_a_forums_webhooks_over_http(server, books):
    forum = Forum(requests_sender(server))
    status, answer = forum.ping(event_id="1")
    assert (status, answer["status"]) == (200, "ping")

    # Six long-standing members like Anna's post; she is paid once, at the fifth.
    crowd = [forum.seasoned(100 + i, f"trader{100 + i}") for i in range(6)]
    anna = (10, "grid_anna")
    the_post = post(501, *anna, topic_id=50)
    statuses = [forum.like(the_post, *liker)[1]["status"] for liker in crowd]
    assert statuses == ["below_threshold"] * 4 + ["paid", "duplicate"]
    assert books.balance(10) == 10

    # Her own like does not count; a delivery seen twice moves nothing.
    assert forum.like(post(502, *anna, topic_id=50), *anna)[1]["status"] == "self_like"
    status, first = forum.accepted(post(503, 11, "helper_cleo", topic_id=51), event_id="900")
    status2, again = forum.accepted(post(503, 11, "helper_cleo", topic_id=51), event_id="900")
    assert (status, first["status"], first["coins"]) == (200, "paid", 20)
    assert (status2, again["replayed"], again["coins"]) == (200, True, 20)
    assert books.balance(11) == 20

    # A forged delivery is refused; an event Gold Coin does not know is answered and ignored.
    status, refused = forum.accepted(post(504, 12, "mallory", topic_id=52), secret="guessed-secret-123")
    assert status == 401 and refused["error"] == "unauthorized" and books.user_id(12) is None
    status, ignored = forum.deliver("post", "post_created", post(505, 10, "grid_anna"))
    assert (status, ignored["status"]) == (200, "ignored")

    # Unaccepting claws back; deleting the quality post claws back; so does the topic.
    assert forum.unaccepted(post(503, 11, "helper_cleo", topic_id=51))[1]["coins"] == -20
    assert forum.post_destroyed(the_post)[1]["coins"] == -10
    assert forum.topic_destroyed(topic(50, *anna))[1]["status"] == "already_clawed_back"
    assert books.balance(10) == 0 and books.balance(11) == 0

    # A new forum member, invited by Anna, becomes a member with a wallet.
    status, created = forum.user_created(user(60, "newcomer_nia", invited_by=anna))
    assert (status, created["status"]) == (200, "member_created")
    assert books.balance(60) == 0

    assert [e.status for e in books.events(event_name="ping")] == ["ping"]
    assert len(books.events(event_id="900")) == 1
