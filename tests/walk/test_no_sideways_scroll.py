"""Defect 13: no page scrolls sideways, for members, moderators and admins,
on a phone (390 px) and a laptop (1280 px): scrollWidth <= innerWidth."""
import pytest

from tests.support.browser import chromium_context, log_in

MEMBER_PAGES = ["/", "/profile", "/history", "/u/bob", "/leaderboard", "/community/", "/community/s/general",
                "/community/t/1", "/community/eas", "/community/eas/1", "/community/eas/new", "/community/challenges",
                "/community/challenges/1", "/community/s/commercial", "/community/t/9",
                "/community/referral", "/store", "/store/redeem", "/vip", "/recharge", "/recharge/orders",
                "/notifications", "/notifications/email"]
MODERATOR_PAGES = ["/community/eas/queue", "/community/t/1", "/admin/", "/admin/titles/", "/admin/ea_queue/"]
ADMIN_PAGES = ["/admin/", "/admin/earning_settings/", "/admin/earning_rules/", "/admin/rewards/", "/admin/rewards/new/",
               "/admin/redemptions/", "/admin/entitlements/", "/admin/transfers/", "/admin/recharge_orders/",
               "/admin/members/", "/admin/adjust/", "/admin/audit/", "/admin/referrals/", "/admin/personal_boosters/",
               "/admin/booster_campaigns/", "/admin/challenges/", "/admin/bonus_tiers/", "/admin/accounts/",
               "/admin/sent_mail/", "/admin/bounties/", "/admin/purchases/", "/admin/tokens/", "/admin/forum_events/"]
# A visitor: the register page with a referral code (known or not) says who invited them.
VISITOR_PAGES = ["/", "/login", "/register", "/register?ref=nosuchcode", "/store", "/leaderboard"]
WHO = [(None, None, VISITOR_PAGES), ("alice", "alice-demo-pass", MEMBER_PAGES),
       ("carol", "carol-demo-pass", MODERATOR_PAGES), ("admin", "admin-demo-pass", ADMIN_PAGES)]


@pytest.mark.parametrize("width", [390, 1280])
def test_no_page_is_wider_than_the_window(demo_server, width, tmp_path):
    wide = []
    with chromium_context() as context:
        for username, password, pages in WHO:
            page = context.new_page()
            page.set_viewport_size({"width": width, "height": 800})
            if username:
                page.goto(demo_server + "/login")
                log_in(page, username, password)
                page.wait_for_url(demo_server + "/profile")
            for path in pages:
                response = page.goto(demo_server + path)
                # /vip answers 403 with its "join the VIP group" page to members outside it.
                assert response.status < 400 or path == "/vip", (username, path, response.status)
                page.wait_for_load_state("load")
                scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                if scroll > inner:
                    wide.append((username, path, scroll))
                    name = path.strip("/").replace("/", "_").replace("?", "_")
                    page.screenshot(path=tmp_path / f"walk-wide-{width}-{username}-{name}.png", full_page=True)
            # Logging out ends the session for the next role.
            context.clear_cookies()
            page.close()
    assert not wide, f"wider than {width} px: {wide}"
