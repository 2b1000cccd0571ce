"""The silent economy: a post with upvotes that paid nothing says how many
count toward the reward and why."""
from tests.community.test_forum_pages import first_post, start_thread, upvote


def test_upvotes_say_how_many_count_and_why(forum, session, make_user, make_voter, make_api):
    author = make_user("ann")
    _, thread_id = start_thread(make_api, author)
    post = first_post(session, thread_id)
    for voter in [make_voter(age_hours=1) for _ in range(2)] + [make_voter() for _ in range(3)]:
        upvote(make_api, voter, post.id)
    page = make_api("ann").get(f"/community/t/{thread_id}").get_data(as_text=True)
    assert f'id="vote-status-{post.id}"' in page
    assert "3 of the 5 that pay count: votes count from accounts at least 24 hours old" in page
    for voter in [make_voter() for _ in range(2)]:
        upvote(make_api, voter, post.id)
    page = make_api("ann").get(f"/community/t/{thread_id}").get_data(as_text=True)
    assert "paid its author the quality reward" in page
