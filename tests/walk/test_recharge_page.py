"""Defects 10 and 11: the recharge page refuses a custom amount that is not a
whole number (as the API does), and its bonus hint is the configured tiers."""
import pytest

from goldcoin.extensions import db
from goldcoin.payments.models import BonusTier
from tests.support.browser import chromium_page, log_in


def test_the_bonus_hint_lists_the_configured_tiers(app, make_user, make_api):
    make_user("alice")
    page = make_api("alice")
    assert 'id="bonus-hint"' not in page.get("/recharge").get_data(as_text=True)  # no tiers, no promise
    with app.app_context():
        db.session.add_all([BonusTier(min_coins=500, percent=5), BonusTier(min_coins=2000, percent=12),
                            BonusTier(min_coins=9000, percent=50, active=False)])
        db.session.commit()
    html = page.get("/recharge").get_data(as_text=True)
    assert '<span id="bonus-hint">Bonus: +5% from 500 coins, +12% from 2000 coins.</span>' in html
    assert "10% bonus from 1000 coins" not in html


@pytest.mark.parametrize("typed, says", [("10.5", "Coins are whole"), ("3", "A custom amount is")])
def test_a_custom_amount_that_is_not_whole_is_refused_with_a_message(demo_server, typed, says, tmp_path):
    with chromium_page() as page:
        page.goto(demo_server + "/login")
        log_in(page, "dave", "dave-demo-pass")
        page.wait_for_url(demo_server + "/profile")
        page.goto(demo_server + "/recharge")
        posted = []
        page.on("request", lambda r: posted.append(r.url) if r.method == "POST" else None)
        page.fill("#customAmount", typed)
        page.click("#custom-buy")
        page.wait_for_selector("#confirmationMessage.error")
        assert says in page.text_content("#confirmationMessage")
        # The click handler would have sent the order before showing any message.
        assert not [u for u in posted if "/recharge/orders" in u] and page.url == demo_server + "/recharge"
        page.screenshot(path=tmp_path / f"walk-recharge-{typed}.png")
