"""Forum through the pages: quality posts, votes that count and that do not, clawback."""
from sqlalchemy import select

from goldcoin.community.models import Post, Thread, Vote
from goldcoin.earning.settings import set_setting
from goldcoin.ledger.models import Transfer

from .conftest import form_post


def start_thread(make_api, author, section="general"):
    api = make_api(author.username)
    response = form_post(api, f"/community/s/{section}/threads", title="Grid EA settings", body="Use 20 pips.")
    assert response.status_code == 302, response.get_data(as_text=True)
    thread_id = int(response.headers["Location"].rsplit("/", 1)[1])
    return api, thread_id


class _Ref:
    def __init__(self, id):
        self.id = id


def first_post(session, thread_id):
    post_id = session.scalar(select(Post.id).where(Post.thread_id == thread_id).order_by(Post.id))
    session.rollback()  # end the read: on SQLite an open transaction holds the write lock
    return _Ref(post_id)


def upvote(make_api, voter, post_id):
    return form_post(make_api(voter.username), f"/community/p/{post_id}/vote")


def test_five_upvotes_pay_the_author_ten_once(forum, session, make_user, make_voter, make_api, balance):
    author = make_user()
    _, thread_id = start_thread(make_api, author)
    post = first_post(session, thread_id)
    voters = [make_voter() for _ in range(6)]
    for voter in voters[:4]:
        assert upvote(make_api, voter, post.id).status_code == 302
    assert balance(author) == 0
    upvote(make_api, voters[4], post.id)
    assert balance(author) == 10
    upvote(make_api, voters[5], post.id)
    assert balance(author) == 10
    paid = session.scalars(select(Transfer).where(Transfer.kind == "earn.post_quality")).all()
    assert [t.idempotency_key for t in paid] == [f"earn:post_quality:post:{post.id}"]
    session.rollback()
    page = make_api(author.username).get(f"/community/t/{thread_id}").get_data(as_text=True)
    assert f'<span class="votes" id="votes-{post.id}">6</span>' in page


def test_self_votes_and_duplicate_votes_do_not_count(forum, session, make_user, make_voter, make_api, balance):
    author = make_user()
    api, thread_id = start_thread(make_api, author)
    post = first_post(session, thread_id)
    form_post(api, f"/community/p/{post.id}/vote")  # own post: refused
    voters = [make_voter() for _ in range(4)]
    for voter in voters:
        upvote(make_api, voter, post.id)
    again = make_api(voters[0].username)
    for _ in range(3):
        form_post(again, f"/community/p/{post.id}/vote")
    assert session.scalar(select(Vote.id).where(Vote.user_id == author.id)) is None
    assert len(session.scalars(select(Vote).where(Vote.post_id == post.id)).all()) == 4
    assert balance(author) == 0


def test_young_and_inactive_accounts_do_not_count(forum, session, make_user, make_voter, make_api, balance):
    author = make_user()
    _, thread_id = start_thread(make_api, author)
    post = first_post(session, thread_id)
    for voter in [make_voter() for _ in range(4)] + [make_voter(age_hours=1), make_voter(active=False)]:
        upvote(make_api, voter, post.id)
    assert balance(author) == 0  # 6 votes, 4 that count
    set_setting(session, "vote_min_account_age_hours", "0")
    session.commit()
    upvote(make_api, make_voter(age_hours=0), post.id)  # the 5th that counts
    assert balance(author) == 10


def test_removed_vote_before_threshold_lowers_the_count(forum, session, make_user, make_voter, make_api, balance):
    author = make_user()
    _, thread_id = start_thread(make_api, author)
    post = first_post(session, thread_id)
    voters = [make_voter() for _ in range(5)]
    for voter in voters[:4]:
        upvote(make_api, voter, post.id)
    form_post(make_api(voters[0].username), f"/community/p/{post.id}/unvote")
    upvote(make_api, voters[4], post.id)
    assert balance(author) == 0  # 4 votes
    upvote(make_api, voters[0], post.id)
    assert balance(author) == 10


def test_moderator_removal_claws_the_reward_back(forum, session, make_user, make_voter, make_api, balance):
    author, moderator = make_user(), make_user(role="moderator")
    _, thread_id = start_thread(make_api, author)
    post = first_post(session, thread_id)
    for voter in [make_voter() for _ in range(5)]:
        upvote(make_api, voter, post.id)
    assert balance(author) == 10
    assert form_post(make_api(author.username), f"/community/p/{post.id}/remove", reason="spam").status_code == 403
    response = form_post(make_api(moderator.username), f"/community/p/{post.id}/remove", reason="plagiarism")
    assert response.status_code == 302
    assert balance(author) == 0
    reversal = session.scalar(select(Transfer).where(Transfer.reverses_id.is_not(None)))
    assert reversal.kind == "earn.post_quality" and reversal.amount == 10
    session.expire_all()
    assert session.get(Post, post.id).removal_reason == "plagiarism"


def test_commercial_section_needs_the_privilege(forum, session, make_user, make_api):
    member, moderator = make_user(), make_user(role="moderator")
    refused = form_post(make_api(member.username), "/community/s/commercial/threads", title="Selling", body="EA for sale")
    assert refused.status_code == 403
    assert session.scalar(select(Thread.id)) is None
    session.rollback()
    ok = form_post(make_api(moderator.username), "/community/s/commercial/threads", title="Selling", body="EA")
    assert ok.status_code == 302


def test_pages_render(forum, client, make_user, make_api):
    author = make_user()
    _, thread_id = start_thread(make_api, author)
    for path in ("/community/", "/community/s/general", f"/community/t/{thread_id}", "/community/eas",
                 "/community/challenges"):
        assert client.get(path).status_code == 200, path
    assert client.get("/community/s/nope").status_code == 404
