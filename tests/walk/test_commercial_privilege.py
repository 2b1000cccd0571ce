"""In a commercial section a member without the privilege is told why there
is no form (new thread and reply alike) and where the store sells it."""
from sqlalchemy import update

from goldcoin.auth.models import User
from goldcoin.community import service
from goldcoin.community.models import Section
from goldcoin.store.models import Reward
from goldcoin.store.service import seed_rewards
from tests.integration.test_store_meets_community import redeem

NEEDS = "Posting here needs the Commercial posting privilege."


def commercial_thread(session, forum, moderator):
    thread = service.create_thread(session, session.get(User, moderator.id), session.get(Section, forum["commercial"]),
                                   "Selling signals", "Monthly subscription.")
    session.commit()
    thread_id = thread.id
    session.rollback()
    return thread_id


def test_a_member_without_the_privilege_is_told_why_and_where_to_get_it(forum, session, make_user, make_api):
    member, moderator = make_user(coins=200), make_user(role="moderator")
    seed_rewards(session)
    session.commit()
    thread_id = commercial_thread(session, forum, moderator)
    api = make_api(member.username)
    for path, form in (("/community/s/commercial", 'id="new-thread-form"'), (f"/community/t/{thread_id}", 'id="reply-form"')):
        page = api.get(path).get_data(as_text=True)
        assert form not in page, path
        assert NEEDS in page, path
        # The link lands on the item itself on the store page, not the top of it.
        assert 'href="/store#reward-commercial-posting">Get Commercial Section Posting in the store</a>' in page, path
        assert "120 coins · lasts 30 days" in page, path
    assert 'id="reward-commercial-posting"' in api.get("/store").get_data(as_text=True)

    redeem(session, member, "commercial-posting")
    for path, form in (("/community/s/commercial", 'id="new-thread-form"'), (f"/community/t/{thread_id}", 'id="reply-form"')):
        page = api.get(path).get_data(as_text=True)
        assert form in page and NEEDS not in page, path


def test_without_a_store_item_the_page_says_so(forum, session, make_user, make_api):
    member, moderator = make_user(), make_user(role="moderator")
    seed_rewards(session)
    session.execute(update(Reward).where(Reward.code == "commercial_posting").values(active=False))
    session.commit()
    general = service.create_thread(session, session.get(User, moderator.id), session.get(Section, forum["general"]),
                                    "Hello", "hi")
    session.commit()
    general_id = general.id
    thread_id = commercial_thread(session, forum, moderator)
    api = make_api(member.username)
    page = api.get(f"/community/t/{thread_id}").get_data(as_text=True)
    assert NEEDS in page and "The store does not sell it at the moment; an admin can grant it." in page
    assert 'href="/store#reward-' not in page and 'href="/store">Get' not in page
    # A general section's thread has no such note.
    page = api.get(f"/community/t/{general_id}").get_data(as_text=True)
    assert 'id="reply-form"' in page and NEEDS not in page
