"""In Chromium against the real server (migrated database, demo data): a member
uploads an EA with a real MetaTrader report, the moderator sees its figures in
the queue and verifies it, the member is paid +50 once, the EA page shows the
figures and the balance curve; the same report attached by another member is
flagged and pays nothing. Screenshots: instance/screenshots/."""
import re

import requests
from playwright.sync_api import expect

from tests.reports.helpers import DATA, STATEMENT_DEMO
from tests.support.browser import chromium_page, log_in
from tests.support.server import ROOT, login_session, running_server

SHOTS = ROOT / "instance" / "screenshots"


def balance(base, username, password):
    return login_session(base, username, password).get(base + "/api/v1/me").json()["balance"]


def upload_in_page(page, base, name):
    page.goto(base + "/community/eas/new")
    page.fill("input[name=name]", name)
    page.fill("textarea[name=description]", "Scalps the Asian session on three crosses.")
    page.set_input_files("input[name=file]", files=[{"name": "scalper.ex4", "mimeType": "application/octet-stream",
                                                       "buffer": b"\x00scalper"}])
    page.set_input_files("input[name=report]", str(DATA / STATEMENT_DEMO))
    page.click("#ea-upload-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/community/eas/\d+$"))
    return page.url.rsplit("/", 1)[1]


def switch_to(page, base, username, password):
    page.click("header form button.link")  # log out
    page.goto(base + "/login")
    log_in(page, username, password)
    page.wait_for_url(re.compile(r".*/profile$"))


def test_a_report_is_read_verified_paid_once_and_its_curve_shown(demo_database, tmp_path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    env = {"DATABASE_URL": demo_database, "GOLDCOIN_UPLOAD_FOLDER": str(tmp_path / "up")}
    with running_server(env, async_mode="threading") as base, chromium_page() as page:
        page.set_viewport_size({"width": 1200, "height": 900})
        page.goto(base + "/login")
        log_in(page, "bob", "bob-demo-pass")
        page.wait_for_url(re.compile(r".*/profile$"))
        before = balance(base, "bob", "bob-demo-pass")
        ea_id = upload_in_page(page, base, "Three Cross Scalper")
        expect(page.locator(".flash")).to_contain_text("Your report was machine-read")
        expect(page.locator("#ea-proof")).to_contain_text("Machine-read MetaTrader 4 account statement")

        # The moderator's queue shows the figures and the checks beside the buttons.
        switch_to(page, base, "carol", "carol-demo-pass")
        page.goto(base + "/community/eas/queue")
        item = page.locator(f"#queue-{ea_id}")
        expect(item.locator("#ea-net-profit")).to_have_text("606.01 USD")
        expect(item.locator("#ea-profit-factor")).to_have_text("14.71")
        expect(item.locator("#ea-checks")).to_have_text("all consistency checks passed")
        expect(item.locator("polyline")).to_have_count(1)
        page.screenshot(path=str(SHOTS / "ea-queue.png"), full_page=True)
        with page.expect_navigation():
            page.click(f"#verify-{ea_id}")
        expect(page.locator(".flash")).to_contain_text("the author earned 50 coins")
        # Again (a second tab, a double post): refused, nothing more paid.
        carol = login_session(base, "carol", "carol-demo-pass")
        carol.post(f"{base}/community/eas/{ea_id}/verify", allow_redirects=False)
        assert balance(base, "bob", "bob-demo-pass") == before + 50

        # The EA page: figures, checks, the curve beside the download.
        page.goto(f"{base}/community/eas/{ea_id}")
        expect(page.locator("#ea-status")).to_have_text("verified")
        expect(page.locator("#ea-drawdown")).to_have_text("15.12 USD (2.95 %)")
        curve = page.locator("svg.ea-curve-svg polyline")
        expect(curve).to_be_visible()
        assert len(curve.get_attribute("points").split()) >= 256  # a step at each of the 256 balances
        box = page.locator("svg.ea-curve-svg").bounding_box()
        assert box["width"] > 300 and box["height"] > 100
        expect(page.locator("#ea-download")).to_be_visible()
        page.screenshot(path=str(SHOTS / "ea-page.png"), full_page=True)

        # Dave attaches the same report to his EA: flagged in the queue, verified, not paid.
        switch_to(page, base, "dave", "dave-demo-pass")
        dave_before = balance(base, "dave", "dave-demo-pass")
        copy_id = upload_in_page(page, base, "Totally New Scalper")
        switch_to(page, base, "carol", "carol-demo-pass")
        page.goto(base + "/community/eas/queue")
        flagged = page.locator(f"#queue-{copy_id}")
        expect(flagged.locator("#ea-reused")).to_contain_text("Reused report")
        expect(flagged.locator("#ea-reused")).to_contain_text("Three Cross Scalper")
        page.screenshot(path=str(SHOTS / "ea-queue-reused.png"), full_page=True)
        with page.expect_navigation():
            page.click(f"#verify-{copy_id}")
        expect(page.locator(".flash")).to_contain_text("nothing paid")
        assert balance(base, "dave", "dave-demo-pass") == dave_before
        assert requests.get(f"{base}/api/v1/eas/{copy_id}").json()["status"] == "verified"
