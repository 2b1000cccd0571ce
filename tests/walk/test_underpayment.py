"""Defect 9: an underpayment shows on the open checkout as it arrives (no
reload), and the failed-order page says what happens to the part received."""
import requests
from playwright.sync_api import expect

from tests.support.browser import chromium_page, log_in


def test_an_underpayment_shows_live_and_the_failed_page_names_the_part_received(demo_server, tmp_path):
    with chromium_page() as page:
        page.goto(demo_server + "/login?next=/recharge")
        log_in(page, "bob", "bob-demo-pass")
        expect(page.locator("#recharge-page")).to_be_visible()
        page.check("input[name=payment-method][value='LTCT']")
        page.click("button.package[data-coins='22']")
        expect(page.locator("#checkout-page")).to_be_visible(timeout=20_000)
        expect(page.locator("body[data-live=connected]")).to_have_count(1, timeout=20_000)
        assert page.locator("#still-owed").is_hidden()
        page.evaluate("window.__notReloaded = true")
        due = page.locator("#pay-amount").inner_text()
        checkout = page.locator("#provider-checkout").get_attribute("href")

        # The buyer sends half from their wallet (the simulator's button, outside this page).
        r = requests.post(checkout + "/underpay", allow_redirects=False, timeout=10)
        assert r.status_code == 303
        expect(page.locator("#still-owed")).to_be_visible(timeout=20_000)
        assert page.evaluate("window.__notReloaded") is True  # shown by the push, not a reload
        received = page.locator("#received-amount").inner_text()
        owed = page.locator("#owed-amount").inner_text()
        assert float(received) > 0 and abs(float(received) + float(owed) - float(due)) < 1e-9
        page.screenshot(path=tmp_path / "walk-underpaid.png")

        r = requests.post(checkout + "/timeout", allow_redirects=False, timeout=10)
        expect(page.locator("#failure-reason")).to_be_visible(timeout=20_000)
        part = page.locator("#part-received").inner_text()
        assert f"We received {received} LTCT" in part and "not lost" in part and "No coins were credited" in \
            page.locator("#failure-reason").inner_text()
        page.screenshot(path=tmp_path / "walk-failed.png")
