"""Chromium against the real server: an admin logs in, adds a reward (which
then shows in the store), adjusts a member, and sees the dashboard chart drawn
from the figures the page was rendered with."""
import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from goldcoin import create_app
from goldcoin.auth.service import register_member
from goldcoin.extensions import db
from goldcoin.ledger import MINT, ensure_system_accounts, system_account_id, transfer, wallet_id
from goldcoin.ledger.models import Account
from tests.support.browser import chromium_page, log_in
from tests.support.server import running_server


@pytest.fixture(scope="module")
def prepared_database(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('admin-e2e') / 'admin.db'}"
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        ensure_system_accounts(db.session)
        register_member(db.session, "boss", "boss@example.com", "boss-pass-123", role="admin")
        alice = register_member(db.session, "alice", "alice@example.com", "alice-pass-123")
        transfer(db.session, system_account_id(db.session, MINT), wallet_id(db.session, alice.id), 40,
                 kind="earn.post_quality", key="earn:post_quality:post:1")
        db.session.commit()
        alice_id = alice.id
        db.engine.dispose()
    return url, app, alice_id


def test_admin_adjusts_a_member_and_sees_the_charts(prepared_database):
    url, app, alice_id = prepared_database
    with running_server({"DATABASE_URL": url}) as base, chromium_page() as page:
        page.goto(base + "/admin/")
        assert "/login" in page.url  # anonymous: sent to log in first
        log_in(page, "boss", "boss-pass-123")
        page.wait_for_url(base + "/admin/")

        page.goto(base + "/admin/rewards/new/")
        page.fill("#name", "Signal Room Pass")
        page.fill("#description", "A month in the signal room.")
        page.fill("#cost", "75")
        page.select_option("#kind", "group", force=True)  # select2 hides the native select
        page.fill("#code", "vip")
        page.fill("#duration_days", "30")
        page.click("input[type=submit][value=Save]")
        page.wait_for_url(base + "/admin/rewards/")  # saved: back to the list (a refusal stays on the form)
        page.wait_for_selector("text=Record was successfully created")
        page.goto(base + "/store")
        card = page.locator(".reward", has_text="Signal Room Pass")
        assert "75" in card.inner_text()

        page.goto(base + "/admin/adjust/?member=alice")
        page.fill("#amount", "25")
        page.fill("#reason", "meetup speaker")
        page.click("#adjust-submit")
        page.wait_for_selector("text=Adjusted alice by +25 coins")

        requested = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto(base + "/admin/")
        page.wait_for_selector("#economy-chart[data-drawn=true]")
        # The figures (and their full reconcile) are computed once per page view:
        # the chart draws from the page, not from a second request.
        assert not [u for u in requested if "/admin/dashboard/data.json" in u]
        points = page.locator("#economy-chart circle.point")
        assert points.count() == 4 * 30
        last_minted = page.locator("#economy-chart circle[data-series=minted]").last
        assert last_minted.get_attribute("data-value") == "65"  # 40 earned + the 25 adjustment
        assert page.locator("#fig-circulating").inner_text() == "65"
    with app.app_context():
        assert db.session.scalar(select(Account.balance).where(Account.user_id == alice_id)) == 65
        db.engine.dispose()
