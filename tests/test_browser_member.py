"""In Chromium, a newcomer registers and sees the profile widget and history."""
import pytest
from flask_migrate import upgrade

from goldcoin import create_app
from goldcoin.extensions import db
from tests.support.browser import chromium_page
from tests.support.server import running_server


@pytest.fixture
def server(tmp_path):
    url = f"sqlite:///{tmp_path / 'browser.db'}"
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    with running_server({"DATABASE_URL": url}) as base:
        yield base


def test_newcomer_registers_and_sees_balance_zero_and_history(server, tmp_path):
    with chromium_page() as page:
        page.goto(server + "/")
        page.click("text=Join")
        page.fill("input[name=username]", "newtrader")
        page.fill("input[name=email]", "newtrader@example.com")
        page.fill("input[name=password]", "s3cret-pass")
        page.click("button:has-text('Create account')")
        page.wait_for_url(server + "/profile")
        assert page.text_content("#coins-count") == "0"
        assert page.text_content("#header-balance") == "0"
        assert page.is_visible("#leaderboard")
        page.screenshot(path=str(tmp_path / "profile.png"))
        page.click("nav >> text=History")
        assert "No coins have moved yet" in page.text_content("#history-table")
        page.click("button:has-text('Log out')")
        page.wait_for_url(server + "/")
        assert page.is_visible("text=Log in")
