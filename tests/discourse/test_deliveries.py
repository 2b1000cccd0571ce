"""POST /integrations/discourse: signatures, idempotency by instance + event
id, ping, unknown and switched-off events, malformed bodies, and members."""
import pytest
from sqlalchemy import select

from goldcoin.auth.models import User
from goldcoin.discourse.models import DiscourseConfig
from goldcoin.earning.models import Referral
from goldcoin.extensions import db
from tests.discourse.forum import SECRET, Forum, ago, client_sender, post, sign, user


def test_ping_answers_200_and_is_recorded(forum, books):
    status, answer = forum.ping(event_id="1")
    assert status == 200 and answer == {"event_id": "1", "event": "ping", "status": "ping", "coins": 0,
                                        "detail": "the forum reached Gold Coin", "replayed": False}
    [event] = books.events()
    assert (event.event_type, event.status, event.payload) == ("ping", "ping", '{"ping":"OK"}')
    assert event.instance == "https://forum.example.com"


@pytest.mark.parametrize("event_type, event_name", [("post", "post_created"), ("topic", "topic_created"),
                                                    ("chat_message", "chat_message_created")])
def test_unknown_events_answer_200_and_are_ignored(forum, books, event_type, event_name):
    status, answer = forum.deliver(event_type, event_name, {"id": 5, "anything": ["at", "all"]})
    assert status == 200 and answer["status"] == "ignored" and answer["coins"] == 0
    [event] = books.events()
    assert event.payload == ""  # a body Gold Coin does not act on is not kept


def test_a_forged_signature_is_refused_and_nothing_recorded(forum, books):
    the_post = post(501, 10, "grid_anna")
    status, answer = forum.accepted(the_post, secret="not-the-secret-at-all")
    assert status == 401 and answer["error"] == "unauthorized"
    status, answer = forum.accepted(the_post, signature="sha256=" + "0" * 64)
    assert status == 401
    unsigned = {"X-Discourse-Event-Signature": None}
    status, answer = forum.deliver("solved", "accepted_solution", the_post, headers=unsigned)
    assert status == 401
    # A body altered after signing: the signature was over other bytes.
    body = b'{"solved":{"id":1,"user_id":10,"username":"grid_anna","topic_id":7}}'
    status, _ = forum.deliver("solved", "accepted_solution", None, body=body + b" ", signature=sign(SECRET, body))
    assert status == 401
    assert books.events() == [] and books.user_id(10) is None


def test_without_a_configured_secret_nothing_is_trusted(app, client, books):
    app.config["DISCOURSE_WEBHOOK_SECRET"] = ""
    status, answer = Forum(client_sender(client)).ping()
    assert status == 503 and answer["error"] == "unavailable"
    assert books.events() == []


def test_the_same_delivery_twice_answers_the_first_outcome_and_moves_nothing(forum, books):
    the_post = post(701, 21, "helper_cleo", topic_id=70)
    _, first = forum.accepted(the_post, event_id="42")
    _, second = forum.accepted(the_post, event_id="42")
    assert first == {"event_id": "42", "event": "accepted_solution", "status": "paid", "coins": 20, "detail": "",
                     "replayed": False}
    assert second == {**first, "replayed": True}
    assert books.balance(21) == 20 and len(books.events()) == 1


def test_the_same_event_id_from_another_forum_is_another_delivery(app, client, books):
    app.config["DISCOURSE_URL"] = ""  # no configured forum: any signed instance is accepted
    one = Forum(client_sender(client), instance="https://one.example.com")
    two = Forum(client_sender(client), instance="https://two.example.com")
    assert one.ping(event_id="7")[1]["replayed"] is False
    assert two.ping(event_id="7")[1]["replayed"] is False
    assert len(books.events()) == 2


def test_deliveries_from_another_forum_than_the_configured_one_are_refused(client, books):
    stranger = Forum(client_sender(client), instance="https://elsewhere.example.org")
    status, answer = stranger.ping()
    assert status == 403 and answer["error"] == "forbidden"
    # The same forum, spelled differently, is the same forum.
    status, _ = Forum(client_sender(client), instance="HTTPS://Forum.Example.com/").ping()
    assert status == 200


def test_an_event_switched_off_in_the_admin_is_answered_and_ignored(app, forum, books):
    with app.app_context():
        db.session.add(DiscourseConfig(id=1, honour_accepted_solution=False))
        db.session.commit()
    status, answer = forum.accepted(post(701, 21, "helper_cleo", topic_id=70))
    assert status == 200 and answer["status"] == "not_honoured"
    assert books.user_id(21) is None


@pytest.mark.parametrize("body, fragment", [
    (b"not json", "not valid JSON"),
    (b"[1, 2]", "JSON object"),
    (b'{"solved": "yes"}', "'solved'"),
    (b'{"solved": {"user_id": 1, "username": "a", "topic_id": 1}}', "'post.id'"),
    (b'{"solved": {"id": "5", "user_id": 1, "username": "a", "topic_id": 1}}', "'post.id'"),
    (b'{"solved": {"id": true, "user_id": 1, "username": "a", "topic_id": 1}}', "'post.id'"),
    (b'{"solved": {"id": 99999999999999999999, "user_id": 1, "username": "a", "topic_id": 1}}', "'post.id'"),
    (b'{"solved": {"id": 5, "user_id": 1, "username": "a\\u0000b", "topic_id": 1}}', "'post.username'"),
    (b'{"solved": {"id": 5, "user_id": 1, "username": "\\ud800", "topic_id": 1}}', "'post.username'"),
    (b'{"solved": {"id": 5, "user_id": 1, "username": "", "topic_id": 1}}', "'post.username'"),
    (b"[" * 100000 + b"]" * 100000, "not valid JSON"),
])
def test_a_signed_but_malformed_body_is_a_clear_400(forum, books, body, fragment):
    status, answer = forum.deliver("solved", "accepted_solution", None, body=body)
    assert status == 400 and answer["error"] == "bad_request" and fragment in answer["message"]
    assert books.events() == []


@pytest.mark.parametrize("header", ["X-Discourse-Event-Id", "X-Discourse-Event-Type"])
def test_a_delivery_without_its_headers_is_a_400(forum, header):
    status, answer = forum.ping(headers={header: None})
    assert status == 400 and header in answer["message"]


def test_a_bad_instance_header_is_a_400(forum):
    status, answer = forum.ping(headers={"X-Discourse-Instance": "ftp://[broken"})
    assert status == 400 and answer["error"] == "bad_request"


def test_a_new_forum_user_becomes_a_member_without_a_password(forum, books, session):
    status, answer = forum.user_created(user(31, "Scalper.Sam", created=ago(days=3)))
    assert status == 200 and answer["status"] == "member_created"
    member = session.get(User, books.user_id(31))
    assert member.username == "Scalper_Sam" and member.password_hash is None
    assert books.balance(31) == 0
    _, again = forum.user_created(user(31, "Scalper.Sam"))
    assert again["status"] == "member_updated"


def test_a_renamed_forum_user_is_renamed_here_once(forum, books, session, make_user):
    forum.user_created(user(32, "old_name"))
    _, renamed = forum.user_updated(user(32, "new_name"))
    assert renamed["status"] == "member_renamed"
    assert session.get(User, books.user_id(32)).username == "new_name"
    make_user("taken_name")
    _, clash = forum.user_updated(user(32, "taken_name"))
    assert clash["status"] == "member_renamed"
    name = session.get(User, books.user_id(32)).username
    assert name.startswith("taken_name_") and name != "taken_name"
    _, calm = forum.user_updated(user(32, "taken_name"))  # nothing changed on the forum
    assert calm["status"] == "member_updated" and session.get(User, books.user_id(32)).username == name


def test_staged_and_system_accounts_are_not_members(forum, books):
    assert forum.user_created(user(33, "mailer", staged=True))[1]["status"] == "staged_user"
    assert forum.user_created(user(-1, "system"))[1]["status"] == "system_user"
    assert books.user_id(33) is None and books.user_id(-1) is None


def test_an_invited_sign_up_pays_the_inviter_at_the_newcomers_first_contribution(forum, books, session):
    forum.seasoned(40, "inviter_ida")
    # Discourse records the invite after creating the user: invited_by arrives with a later user_updated.
    forum.user_created(user(41, "newbie_ned", created=ago(minutes=1)))
    _, updated = forum.user_updated(user(41, "newbie_ned", invited_by=(40, "inviter_ida")))
    assert updated["detail"] == f"invited by member #{books.user_id(40)}: referral recorded"
    referral = session.scalar(select(Referral).where(Referral.referee_id == books.user_id(41)))
    assert referral.referrer_id == books.user_id(40)
    assert books.balance(40) == 0  # paid at the newcomer's first paid contribution, as our own referrals

    forum.accepted(post(1001, 41, "newbie_ned", topic_id=100))
    assert books.balance(41) == 20 and books.balance(40) == 25


def test_an_invite_seen_after_the_member_earned_records_no_referral(forum, books, session):
    forum.accepted(post(1002, 42, "early_eve", topic_id=101))
    forum.user_updated(user(42, "early_eve", invited_by=(40, "inviter_ida")))
    assert session.scalar(select(Referral).where(Referral.referee_id == books.user_id(42))) is None
