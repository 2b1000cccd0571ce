"""The invite page shows the whole link (wrapping on a phone), a copy button,
and the reward as the earning rules and settings configure it: what the
referrer gets, when, and the minimum top-up."""
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from goldcoin.earning.models import EarningRule
from goldcoin.earning.service import ensure_default_rules
from goldcoin.earning.settings import set_setting
from tests.support.browser import chromium_context, member_page


def terms(page):
    return re.sub(r"\s+", " ", re.search(r'<ul id="referral-terms">(.*?)</ul>', page, re.S).group(1))


def test_the_page_says_what_inviting_pays_from_the_settings(session, make_user, make_api):
    ensure_default_rules(session)
    session.commit()
    api = make_api(make_user().username)
    page = api.get("/community/referral").get_data(as_text=True)
    link = re.search(r'<code id="referral-link">([^<]+)</code>', page).group(1)
    assert link.startswith("http") and "/register?ref=" in link
    assert 'id="referral-copy"' in page and "js/referral.js" in page
    said = terms(page)
    assert "25 coins when someone who signed up with your link makes their first paid contribution" in said
    assert "first top-up of at least 100 coins" in said
    assert "5% of the coins they buy with USDT during their first 90 days after signing up." in said

    session.execute(update(EarningRule).where(EarningRule.code == "referral").values(amount=40, daily_cap_coins=120))
    session.execute(update(EarningRule).where(EarningRule.code == "affiliate")
                    .values(share_percent=Decimal("2.50"), window_days=30))
    set_setting(session, "referral_min_topup_coins", 250)
    session.commit()
    said = terms(api.get("/community/referral").get_data(as_text=True))
    assert "40 coins when" in said and "at least 250 coins" in said and "At most 120 coins a day" in said
    assert "2.5% of the coins they buy with USDT during their first 30 days" in said

    session.execute(update(EarningRule).where(EarningRule.code.in_(["referral", "affiliate"])).values(enabled=False))
    session.commit()
    said = terms(api.get("/community/referral").get_data(as_text=True))
    assert "switched off" in said and "coins when" not in said and "% of the coins" not in said


@pytest.mark.parametrize("width", [390, 1280])
def test_the_link_is_whole_on_a_phone_and_the_button_copies_it(demo_server, width, tmp_path):
    with chromium_context() as context:
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=demo_server)
        page = member_page(context, demo_server, "alice", width)
        page.goto(demo_server + "/community/referral")
        link = page.text_content("#referral-link").strip()
        assert link.startswith(demo_server + "/register?ref=")
        box = page.locator("#referral-link").bounding_box()
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        page.screenshot(path=tmp_path / f"referral-{width}.png", full_page=True)
        assert scroll <= inner and box["x"] + box["width"] <= inner
        # The whole link is on the page (no input cutting it off).
        assert page.evaluate("document.getElementById('referral-link').scrollWidth <= "
                             "document.getElementById('referral-link').clientWidth")
        page.click("#referral-copy")
        # expect() rather than wait_for_function(string): the page's CSP forbids eval,
        # so a string predicate fails whenever its first check comes too early.
        expect(page.locator("#referral-copy-status")).to_have_text("Link copied.")
        assert page.evaluate("navigator.clipboard.readText()") == link
