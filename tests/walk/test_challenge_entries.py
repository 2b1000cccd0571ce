"""A challenge's entries link to what was entered: the post (in its thread)
or the EA's page; an EA others may not see yet is named, not linked."""
import re

from sqlalchemy import select

from goldcoin.community.models import ExpertAdvisor, Post
from tests.community.conftest import form_post
from tests.community.test_challenges_admin import make_challenge
from tests.community.test_ea_library import upload


def test_each_entry_links_to_its_post_or_ea(forum, session, make_user, make_voter, make_api):
    poster, author, moderator, reader = make_voter(), make_user(), make_user(role="moderator"), make_user()
    challenge_id = make_challenge(session)
    post = session.scalar(select(Post).where(Post.author_id == poster.id))
    post_id, thread_id = post.id, post.thread_id
    session.rollback()
    assert form_post(make_api(poster.username), f"/community/challenges/{challenge_id}/enter",
                     post_id=str(post_id), note="my grid").status_code == 302
    author_api = make_api(author.username)
    upload(author_api, name="Low DD Rider")
    eas = dict(session.execute(select(ExpertAdvisor.name, ExpertAdvisor.id)).all())
    session.rollback()
    form_post(make_api(moderator.username), f"/community/eas/{eas['Low DD Rider']}/verify", override_reason="ok")
    assert form_post(author_api, f"/community/challenges/{challenge_id}/enter",
                     ea_id=str(eas["Low DD Rider"])).status_code == 302

    page = make_api(reader.username).get(f"/community/challenges/{challenge_id}").get_data(as_text=True)
    assert f'href="/community/t/{thread_id}#post-{post_id}"' in page
    assert f'href="/community/eas/{eas["Low DD Rider"]}">EA Low DD Rider</a>' in page
    for href in re.findall(r'<li class="entry"[^>]*>.*?</li>', page, re.S):
        assert "href=" in href

    # An entry with an EA still awaiting verification: named, linked only for those who may open it.
    other = make_user()
    other_api = make_api(other.username)
    upload(other_api, name="Hidden Gem")
    hidden = session.scalar(select(ExpertAdvisor.id).where(ExpertAdvisor.name == "Hidden Gem"))
    session.rollback()
    form_post(other_api, f"/community/challenges/{challenge_id}/enter", ea_id=str(hidden))
    page = make_api(reader.username).get(f"/community/challenges/{challenge_id}").get_data(as_text=True)
    assert "EA Hidden Gem" in page and f'href="/community/eas/{hidden}"' not in page
    assert f'href="/community/eas/{hidden}"' in other_api.get(f"/community/challenges/{challenge_id}").get_data(as_text=True)
