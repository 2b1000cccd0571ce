"""discourse-solved's accepted/unaccepted answers, and deleted posts and
topics clawing back what they earned."""
from goldcoin.extensions import db
from goldcoin.ledger.adjustments import adjust_balance
from tests.discourse.forum import post, topic

ASKER = (20, "asker_ben")
ANSWERER = (21, "helper_cleo")
OTHER = (22, "helper_dan")


def answer(post_id=701, who=ANSWERER, topic_id=70):
    return post(post_id, *who, topic_id=topic_id, post_number=2, title="Why does my EA skip trades on Monday?")


def test_an_accepted_answer_pays_its_author_once_and_unaccepting_claws_it_back(forum, books):
    status, first = forum.accepted(answer())
    assert status == 200 and (first["status"], first["coins"]) == ("paid", 20)
    _, again = forum.accepted(answer())  # redelivered by Discourse under a new event id
    assert (again["status"], again["coins"]) == ("duplicate", 0)
    assert books.balance(ANSWERER[0]) == 20

    _, withdrawn = forum.unaccepted(answer())
    assert (withdrawn["status"], withdrawn["coins"]) == ("clawed_back", -20)
    assert books.balance(ANSWERER[0]) == 0
    _, twice = forum.unaccepted(answer())
    assert twice["status"] == "already_clawed_back" and books.balance(ANSWERER[0]) == 0

    # Accepting the same answer again pays nothing: each answer earns at most once.
    _, third = forum.accepted(answer())
    assert third["status"] == "duplicate" and books.balance(ANSWERER[0]) == 0


def test_accepting_another_answer_moves_the_reward(forum, books):
    forum.accepted(answer(701, ANSWERER))
    _, moved = forum.accepted(answer(702, OTHER))
    assert moved["status"] == "paid" and moved["coins"] == 0  # -20 for the replaced one, +20 for this one
    assert books.balance(ANSWERER[0]) == 0 and books.balance(OTHER[0]) == 20
    [event] = books.events(object_key="discourse:topic:70:post:702")
    assert event.detail == "replaced answer: clawed_back"


def test_answering_ones_own_question_earns_nothing(forum, books):
    question = post(700, *ASKER, topic_id=70, post_number=1)
    forum.like(question, 99, "somebody")  # any delivery about the question shows us who asked
    _, own = forum.accepted(answer(703, ASKER))
    assert own["status"] == "own_question" and books.balance(ASKER[0]) == 0


def test_the_question_itself_is_not_an_answer(forum, books):
    _, result = forum.accepted(post(700, *ASKER, topic_id=70, post_number=1))
    assert result["status"] == "not_an_answer" and books.user_id(ASKER[0]) is None


def test_a_deleted_post_gives_back_its_quality_reward_and_late_likes_pay_nothing(forum, books):
    the_post = post(801, *ANSWERER, topic_id=80)
    crowd = [forum.seasoned(100 + i, f"trader{100 + i}") for i in range(6)]
    for liker in crowd[:5]:
        forum.like(the_post, *liker)
    assert books.balance(ANSWERER[0]) == 10
    _, deleted = forum.post_destroyed(the_post)
    assert (deleted["status"], deleted["coins"]) == ("clawed_back", -10)
    assert books.balance(ANSWERER[0]) == 0
    _, late = forum.like(the_post, *crowd[5])
    assert late["status"] == "post_destroyed" and books.balance(ANSWERER[0]) == 0
    _, again = forum.post_destroyed(the_post)
    assert again["status"] == "already_clawed_back"


def test_deleting_the_accepted_answer_claws_back_the_solution_too(forum, books):
    forum.accepted(answer(704))
    _, deleted = forum.post_destroyed(answer(704))
    assert (deleted["status"], deleted["coins"]) == ("clawed_back", -20)
    assert books.balance(ANSWERER[0]) == 0


def test_a_deleted_post_that_earned_nothing(forum, books):
    _, deleted = forum.post_destroyed(post(802, *ANSWERER, topic_id=80))
    assert (deleted["status"], deleted["coins"]) == ("nothing_paid", 0)


def test_a_deleted_topic_claws_back_every_post_of_it_we_know(forum, books):
    question = post(900, *ASKER, topic_id=90, post_number=1)
    reply = post(901, *ANSWERER, topic_id=90, post_number=2)
    crowd = [forum.seasoned(100 + i, f"trader{100 + i}") for i in range(5)]
    for liker in crowd:
        forum.like(question, *liker)
        forum.like(reply, *liker)
    forum.accepted(reply)
    assert books.balance(ASKER[0]) == 10 and books.balance(ANSWERER[0]) == 30
    _, gone = forum.topic_destroyed(topic(90, *ASKER))
    assert (gone["status"], gone["coins"]) == ("clawed_back", -40)
    assert books.balance(ASKER[0]) == 0 and books.balance(ANSWERER[0]) == 0


def test_a_clawback_the_member_cannot_cover_is_refused_and_shown(app, forum, books):
    forum.accepted(answer(705))
    with app.app_context():  # the answerer spends the coins (an admin takes them, say)
        adjust_balance(db.session, books.user_id(ANSWERER[0]), -15, reason="spent", key="spent-1")
        db.session.commit()
    status, result = forum.unaccepted(answer(705))
    assert status == 200 and (result["status"], result["coins"]) == ("clawback_refused", 0)
    assert books.balance(ANSWERER[0]) == 5
    [event] = books.events(status="clawback_refused")
    assert event.event_name == "unaccepted_solution"
