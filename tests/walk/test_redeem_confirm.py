"""The silent economy: redeeming on /store/redeem spends coins only after the
member confirms."""
from playwright.sync_api import expect

from tests.support.browser import chromium_page, log_in


def test_redeeming_asks_first(demo_server):
    with chromium_page() as page:
        page.goto(demo_server + "/login?next=/store/redeem")
        log_in(page, "dave", "dave-demo-pass")
        expect(page.locator("#redeem-page")).to_be_visible()
        before = page.locator("#coin-balance").inner_text()
        button = page.locator("button[data-redeem-now]", has_text="Gold Supporter Badge")
        asked, posted = [], []
        page.on("request", lambda r: posted.append(r.url) if r.method == "POST" else None)

        def answer(dialog, accept):
            asked.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        page.once("dialog", lambda d: answer(d, False))
        button.click()
        assert asked == ["Spend 40 coins on Gold Supporter Badge?"]
        assert not [u for u in posted if "/redeem" in u] and page.locator("#coin-balance").inner_text() == before

        page.once("dialog", lambda d: answer(d, True))
        button.click()
        expect(page.locator("#redeem-message")).to_contain_text("successfully redeemed")
        assert int(page.locator("#coin-balance").inner_text()) == int(before) - 40
