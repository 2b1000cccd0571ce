"""Chromium redeems through the store's modal against the real server."""
import pytest
from flask_migrate import upgrade
from playwright.sync_api import expect

from goldcoin import create_app
from goldcoin.auth.service import register_member
from goldcoin.extensions import db
from goldcoin.ledger import ensure_system_accounts
from goldcoin.ledger.adjustments import adjust_balance
from goldcoin.store.service import create_reward
from tests.support.browser import chromium_page, log_in
from tests.support.server import running_server


@pytest.fixture
def store_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'browser.db'}"
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        ensure_system_accounts(db.session)
        user = register_member(db.session, "shopper", "shopper@example.com", "shopper-pass-1")
        adjust_balance(db.session, user.id, 200, reason="browser test funds", key="browser")
        vip = create_reward(db.session, {"name": "VIP Group Access", "cost": 150, "kind": "group", "code": "vip",
                                         "duration_days": 30, "sort_order": 1})
        create_reward(db.session, {"name": "Premium EA Access", "cost": 100, "kind": "content_access", "sort_order": 2})
        db.session.commit()
        vip_id = vip.id
        db.engine.dispose()
    return url, vip_id


def test_member_redeems_vip_through_the_modal(store_database):
    url, vip_id = store_database
    with running_server({"DATABASE_URL": url}) as base, chromium_page() as page:
        page.goto(base + "/login")
        log_in(page, "shopper", "shopper-pass-1")
        page.wait_for_url("**/profile")

        page.goto(base + "/store")
        expect(page.locator("#redeem-modal")).to_be_hidden()
        page.click(f'li[data-reward-id="{vip_id}"] button[data-open-redeem]')
        expect(page.locator("#redeem-modal")).to_be_visible()
        expect(page.locator("#total-coins")).to_have_text("200")
        expect(page.locator("#redeem-reward")).to_have_value(str(vip_id))
        page.click("#redeem-submit")
        expect(page.locator("#redeem-modal-message")).to_contain_text("successfully redeemed VIP Group Access")
        expect(page.locator("#total-coins")).to_have_text("50")
        expect(page.locator("#header-balance")).to_have_text("50")

        # 50 coins left: Premium (100) is refused with a clear message, nothing charged.
        page.select_option("#redeem-reward", label="Premium EA Access - 100 coins")
        page.click("#redeem-submit")
        expect(page.locator("#redeem-modal-message")).to_contain_text("Not enough coins for Premium EA Access")
        expect(page.locator("#total-coins")).to_have_text("50")

        page.goto(base + "/vip")
        expect(page.locator("#vip-section")).to_be_visible()
        page.goto(base + "/profile")
        expect(page.locator("#vip-mark")).to_be_visible()
        expect(page.locator("#coins-count")).to_have_text("50")


@pytest.fixture
def priced_ea(tmp_path):
    """A verified EA priced at 30 coins, its author, and a buyer with 100 coins."""
    from goldcoin.community.eas import upload_ea, verify_ea
    from goldcoin.earning import ensure_default_rules

    url = f"sqlite:///{tmp_path / 'ea.db'}"
    uploads = str(tmp_path / "uploads")
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url, "UPLOAD_FOLDER": uploads})
    with app.app_context():
        upgrade()
        ensure_system_accounts(db.session)
        ensure_default_rules(db.session)
        author = register_member(db.session, "quant", "quant@example.com", "quant-pass-123")
        moderator = register_member(db.session, "mod", "mod@example.com", "mod-pass-1234", role="moderator")
        buyer = register_member(db.session, "buyer", "buyer@example.com", "buyer-pass-12")
        adjust_balance(db.session, buyer.id, 100, reason="browser test funds", key="buyer-funds")
        ea = upload_ea(db.session, author, uploads, name="Night Scalper", description="Asian session scalper",
                       file_name="NightScalper.ex5", file_data=b"\x00EX5-BYTES", symbol="GBPUSD", timeframe="M5",
                       period="2024", net_profit="812.00", profit_factor="1.42", max_drawdown_pct="9.1",
                       trades="540", win_rate="58.0", price_coins=30)
        verify_ea(db.session, moderator, ea, override_reason="typed figures checked")  # no report attached
        db.session.commit()
        ids = {"ea": ea.id, "author": author.id, "buyer": buyer.id}
        db.engine.dispose()
    return url, uploads, app, ids


def test_member_buys_an_ea_and_downloads_it_while_its_author_gets_the_share(priced_ea):
    from goldcoin.ledger import balance_of, wallet_id

    url, uploads, app, ids = priced_ea
    with running_server({"DATABASE_URL": url, "GOLDCOIN_UPLOAD_FOLDER": uploads}) as base, chromium_page() as page:
        page.goto(base + "/login")
        log_in(page, "buyer", "buyer-pass-12")
        page.wait_for_url("**/profile")

        page.goto(base + f"/community/eas/{ids['ea']}")
        expect(page.locator("#ea-download")).to_have_count(0)
        expect(page.locator("#ea-buy")).to_have_text("Buy for 30 coins")
        page.click("#ea-buy")
        expect(page.locator("#ea-download")).to_be_visible()
        expect(page.locator("#header-balance")).to_have_text("70")
        with page.expect_download() as info:
            page.click("#ea-download")
        download = info.value
        assert download.suggested_filename == "NightScalper.ex5"
        assert open(download.path(), "rb").read() == b"\x00EX5-BYTES"

        # Downloading again is free.
        page.goto(base + f"/community/eas/{ids['ea']}")
        with page.expect_download():
            page.click("#ea-download")
        expect(page.locator("#header-balance")).to_have_text("70")
    with app.app_context():
        assert balance_of(db.session, wallet_id(db.session, ids["author"])) == 50 + 21  # verified + 70 % of 30
        assert balance_of(db.session, wallet_id(db.session, ids["buyer"])) == 70
        db.engine.dispose()
