"""The VIP section was an empty page with a member list, and no menu led to it.
It now says what VIP gives (this section and the VIP mark; premium EAs are
another reward), shows the VIP members' latest posts with links, offers to
extend or join, and the menu has it for VIP members."""
import re

from playwright.sync_api import expect

from goldcoin.community.models import Post, Thread
from goldcoin.ledger.models import utcnow
from goldcoin.store.service import redeem_reward
from tests.store.conftest import make_reward  # noqa: F401
from tests.support.browser import chromium_context, log_in


def _post(session, section_id, author, title, body, removed=False):
    thread = Thread(section_id=section_id, author_id=author.id, title=title)
    session.add(thread)
    session.flush()
    post = Post(thread_id=thread.id, author_id=author.id, body=body, removed_at=utcnow() if removed else None)
    session.add(post)
    session.flush()
    ids = thread.id, post.id
    session.commit()  # and read nothing after it: on SQLite a read holds the lock the app needs
    return ids


def test_the_vip_section_says_what_vip_gives_and_links_to_it(app, session, forum, make_user, make_api, make_reward):  # noqa: F811
    vip = make_reward("VIP Group Access", cost=150, kind="group", code="vip", duration_days=30, slug="vip-group")
    make_reward("Premium EA Access", cost=100, kind="content_access", duration_days=30, slug="premium-ea-access")
    alice, bob = make_user("alice", coins=300), make_user("bob")
    redeem_reward(session, alice.id, vip, "vip")
    session.commit()
    thread_id, post_id = _post(session, forum["general"], alice, "Grid settings for EURUSD", "Step 20 pips, " * 30)
    _post(session, forum["general"], alice, "A removed thread", "spam", removed=True)
    _post(session, forum["general"], bob, "Not a VIP thread", "hello")

    html = make_api("alice").get("/vip").get_data(as_text=True)
    assert "What VIP gives you" in html
    assert 'href="/u/alice"' in html and 'class="vip-mark"' in html  # the mark, where it shows
    # The VIP members' latest posts, linked; not a removed one, not a non-member's.
    assert f'href="/community/t/{thread_id}#post-{post_id}"' in html and "Grid settings for EURUSD" in html
    assert "A removed thread" not in html and "Not a VIP thread" not in html
    assert "Step 20 pips" in html and "…" in html  # an excerpt, cut
    # Premium EAs are not part of VIP, and the page says where they are.
    assert "Premium EAs are not part of VIP" in html and 'href="/store#reward-premium-ea-access"' in html
    # Extend the membership from the section itself (the store's redeem modal).
    assert re.search(rf'id="vip-extend" data-open-redeem="{vip}"', html) and 'id="redeem-modal"' in html
    assert "Extend by 30 days for 150 coins" in html
    assert re.search(r'id="vip-members">\s*<li><a href="/u/alice">alice</a>', html)


def test_the_menu_has_the_vip_section_for_its_members_only(app, session, make_user, make_api, make_reward):  # noqa: F811
    vip = make_reward("VIP Group Access", cost=150, kind="group", code="vip", duration_days=30, slug="vip-group")
    alice = make_user("alice", coins=300)
    make_user("bob", coins=10)
    redeem_reward(session, alice.id, vip, "vip")
    session.commit()
    assert re.search(r'<nav>.*<a id="nav-vip" href="/vip">VIP section</a>.*</nav>',
                     make_api("alice").get("/store").get_data(as_text=True), re.S)
    bob_api = make_api("bob")
    assert 'id="nav-vip"' not in bob_api.get("/store").get_data(as_text=True)
    # Others get the "members only" page: what VIP gives, and a way to join.
    r = bob_api.get("/vip")
    html = r.get_data(as_text=True)
    assert r.status_code == 403 and "What VIP gives you" in html
    assert re.search(rf'<button type="button" data-open-redeem="{vip}">Join VIP: 150 coins for 30 days</button>', html)
    assert 'href="/store#reward-vip-group"' in html
    assert 'id="reward-vip-group"' in bob_api.get("/store").get_data(as_text=True)  # where that link lands
    assert 'id="vip-members"' not in html and "alice" not in html  # the members' list stays inside


def test_a_member_joins_vip_from_the_section_and_finds_it_in_the_menu(demo_server):
    """Chromium, on a phone and a laptop: bob (200 coins in the demo) joins
    from /vip, lands in the section, and the menu shows it; no sideways scroll."""
    with chromium_context() as context:
        page = context.new_page()
        page.set_viewport_size({"width": 390, "height": 800})
        page.goto(demo_server + "/login")
        log_in(page, "bob", "bob-demo-pass")
        page.wait_for_url(demo_server + "/profile")
        expect(page.locator("#nav-vip")).to_have_count(0)
        page.goto(demo_server + "/vip")
        page.click("#vip-join button[data-open-redeem]")
        expect(page.locator("#redeem-modal")).to_be_visible()
        page.click("#redeem-submit")
        expect(page.locator("#vip-section")).to_be_visible(timeout=10000)  # the page reloads into the section
        expect(page.locator("#nav-vip")).to_be_visible()
        expect(page.locator("#vip-members")).to_contain_text("bob")
        expect(page.locator("#vip-posts")).to_contain_text("Hello from bob")
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(demo_server + "/vip")
            scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert scroll <= inner, (width, scroll)
            box = page.locator("#nav-vip").bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= inner
        page.locator("#nav-vip").click()
        page.wait_for_url(demo_server + "/vip")
