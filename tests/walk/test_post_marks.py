"""Defect 4: the title, badges and VIP mark the store sells show next to the
member's posts, not only on the profile."""
import re
from datetime import timedelta

from goldcoin.ledger.models import utcnow
from goldcoin.store.entitlements import grant, marks_of, set_title
from tests.community.test_forum_pages import start_thread


def test_title_badges_and_vip_show_next_to_posts(forum, session, make_user, make_api):
    alice, bob = make_user("alice"), make_user("bob")
    grant(session, alice.id, "title")
    set_title(session, alice.id, "EA Whisperer")
    grant(session, alice.id, "badge", "Gold Supporter")
    grant(session, alice.id, "badge", "Early Bird")
    grant(session, alice.id, "group", "vip", duration_days=30)
    grant(session, bob.id, "badge", "Expired", duration_days=1, now=utcnow() - timedelta(days=3))
    session.commit()
    api, thread_id = start_thread(make_api, alice)
    html = make_api("bob").get(f"/community/t/{thread_id}").get_data(as_text=True)
    byline = re.search(r'<p class="kind post-author">(.*?)</p>', html, re.S).group(1)
    assert "EA Whisperer" in byline and 'class="vip-mark"' in byline
    assert byline.index("Early Bird") < byline.index("Gold Supporter")
    marks = marks_of(session, [alice.id, bob.id])
    assert marks[bob.id] == (None, (), False)  # an expired badge shows nowhere
