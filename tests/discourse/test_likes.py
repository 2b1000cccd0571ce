"""post_liked: distinct likers per post, the built-in upvote rules (no
self-likes, young accounts, activity, bans, caps), paid once at the threshold."""
from goldcoin.auth.models import User
from goldcoin.earning.models import EarningRule
from goldcoin.earning.settings import set_setting
from goldcoin.extensions import db
from tests.discourse.forum import ago, post, user

AUTHOR = (10, "grid_anna")


def likers(forum, count, first=100):
    return [forum.seasoned(first + i, f"trader{first + i}") for i in range(count)]


def test_five_distinct_likers_pay_the_author_once_at_the_threshold(forum, books):
    the_post = post(501, *AUTHOR)
    answers = [forum.like(the_post, *liker) for liker in likers(forum, 6)]
    assert [status for status, _ in answers] == [200] * 6
    assert [a["status"] for _, a in answers] == ["below_threshold"] * 4 + ["paid", "duplicate"]
    assert [a["coins"] for _, a in answers] == [0, 0, 0, 0, 10, 0]
    assert books.balance(AUTHOR[0]) == 10
    [paid] = books.events(status="paid")
    assert paid.object_key == "discourse:post:501" and paid.user_id == books.user_id(AUTHOR[0])
    assert "5 eligible of 5 needed" in paid.detail


def test_a_self_like_does_not_count(forum, books):
    the_post = post(502, *AUTHOR)
    forum.seasoned(*AUTHOR)
    for liker in likers(forum, 4):
        forum.like(the_post, *liker)
    status, answer = forum.like(the_post, *AUTHOR)
    assert status == 200 and answer["status"] == "self_like"
    assert books.balance(AUTHOR[0]) == 0


def test_the_same_member_liking_again_counts_once(forum, books):
    """Discourse gives a retried delivery a new event id: the like itself is the key."""
    the_post = post(503, *AUTHOR)
    crowd = likers(forum, 4)
    for liker in crowd:
        forum.like(the_post, *liker)
    status, answer = forum.like(the_post, *crowd[0])  # same member, new delivery
    assert answer["status"] == "below_threshold" and answer["replayed"] is False
    assert books.balance(AUTHOR[0]) == 0


def test_young_forum_accounts_do_not_count(forum, books):
    the_post = post(504, *AUTHOR)
    for i in range(3):
        forum.user_created(user(200 + i, f"fresh{i}", created=ago(hours=2), last_posted=ago(hours=1)))
    for liker in likers(forum, 2) + [(200 + i, f"fresh{i}") for i in range(3)]:
        _, answer = forum.like(the_post, *liker)
    assert answer["status"] == "below_threshold" and "2 eligible" in books.events()[-1].detail


def test_a_liker_first_seen_in_the_like_is_young(forum, books):
    """No user event told us the account's age: it ages from its first sight here."""
    the_post = post(505, *AUTHOR)
    for liker in likers(forum, 4) + [(300, "stranger")]:
        _, answer = forum.like(the_post, *liker)
    assert answer["status"] == "below_threshold"
    assert books.balance(AUTHOR[0]) == 0


def test_likers_without_activity_of_their_own_do_not_count_until_the_setting_allows(app, forum, books):
    the_post = post(506, *AUTHOR)
    for i in range(5):  # old accounts that never posted
        forum.user_created(user(400 + i, f"lurker{i}", created=ago(days=90), last_posted=None))
        _, answer = forum.like(the_post, 400 + i, f"lurker{i}")
    assert answer["status"] == "below_threshold"
    with app.app_context():
        set_setting(db.session, "vote_requires_activity", "false")
        db.session.commit()
    _, answer = forum.like(the_post, 400, "lurker0")  # any next like re-counts
    assert answer["status"] == "paid" and books.balance(AUTHOR[0]) == 10


def test_a_banned_members_like_does_not_count(app, forum, books):
    the_post = post(507, *AUTHOR)
    crowd = likers(forum, 5)
    with app.app_context():
        db.session.get(User, books.user_id(crowd[0][0])).is_banned = True
        db.session.commit()
    for liker in crowd:
        _, answer = forum.like(the_post, *liker)
    assert answer["status"] == "below_threshold" and books.balance(AUTHOR[0]) == 0


def test_the_daily_cap_holds_for_forum_posts(app, forum, books):
    with app.app_context():
        rule = db.session.query(EarningRule).filter_by(code="post_quality").one_or_none()
        if rule is None:
            from goldcoin.earning import ensure_default_rules

            ensure_default_rules(db.session)
            rule = db.session.query(EarningRule).filter_by(code="post_quality").one()
        rule.daily_cap_coins, rule.threshold = 15, 2
        db.session.commit()
    crowd = likers(forum, 2)
    results = []
    for post_id in (601, 602, 603):
        for liker in crowd:
            _, answer = forum.like(post(post_id, *AUTHOR), *liker)
        results.append((answer["status"], answer["coins"]))
    assert results == [("paid", 10), ("partially_capped", 5), ("capped", 0)]
    assert books.balance(AUTHOR[0]) == 15


def test_likes_of_the_forums_system_posts_pay_nobody(forum, books):
    status, answer = forum.like(post(508, -1, "system"), *forum.seasoned(101, "trader101"))
    assert status == 200 and answer["status"] == "system_post"
    assert books.user_id(-1) is None
