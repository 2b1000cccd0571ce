"""The demo on CoinPayments' current platform, in Chromium against the real
server (gevent) with the simulator mounted in it: /recharge -> 200 coins with
USDT on TRON -> the shop's checkout (an invoice's address, QR, countdown) ->
the simulator's v2 checkout -> "Pay in full" (signed webhooks) -> the
confirmation page with 200 coins."""
from tests.support.browser import chromium_page, log_in
from tests.support.server import running_server


def test_newcomer_buys_200_coins_through_the_v2_simulator(demo_database, mailbox):
    from playwright.sync_api import expect

    env = {
        "DATABASE_URL": demo_database,
        "GOLDCOIN_PAYMENT_SIMULATOR": "1",
        "COINPAYMENTS_API": "v2",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(mailbox.port),
    }
    with running_server(env, async_mode="gevent") as base, chromium_page() as page:
        page.goto(base + "/login?next=/recharge")
        log_in(page, "newcomer", "newcomer-pass-1")
        expect(page.locator("#recharge-page")).to_be_visible()
        page.check("input[name=payment-method][value='USDT.TRC20']")
        page.click("button.package[data-coins='200']")

        expect(page.locator("#checkout-page")).to_be_visible(timeout=20_000)
        assert page.locator("#pay-currency").inner_text() == "USDT.TRC20"
        assert page.locator("#payment-qr svg").count() == 1
        assert page.locator("#pay-address").inner_text().startswith("T")
        expect(page.locator("#countdown")).not_to_have_text("--:--")
        assert "/_simulator/v2/checkout/" in page.locator("#provider-checkout").get_attribute("href")

        page.click("#provider-checkout")
        expect(page.locator("#simulator-checkout[data-platform='v2']")).to_be_visible()
        assert page.locator("#sim-address").inner_text().startswith("T")
        page.click("#sim-pay-full")

        # Back on the shop (the invoice's returnUrl); the pushed payment event
        # turns it into the confirmation once the webhooks are in.
        expect(page.locator("#confirmation-page")).to_be_visible(timeout=30_000)
        expect(page.locator("#confirmation-page h2")).to_have_text("Recharge Successful!")
        expect(page.locator("#coins-count")).to_have_text("200")
        expect(page.locator("#header-balance")).to_have_text("200")
    [mail] = mailbox.wait_for(1)
    assert mail.rcpt_tos == ["newcomer@example.com"] and "credited with 200 gold coins" in mail.content.decode()
