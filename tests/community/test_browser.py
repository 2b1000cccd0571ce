"""In Chromium against the real server (migrated database, demo data): a
newcomer posts, five members upvote, the balance shows +10 once; the newcomer's
EA (with a real report) verified by a moderator pays +50; an accepted answer
pays +20. (The EA proof seen by both sides: test_ea_browser.py.)"""
import re

from tests.reports.helpers import DATA, HISTORY_BG
from tests.support.browser import chromium_page
from tests.support.server import login_session, running_server


def form(http, url, **data):
    response = http.post(url, data=data, allow_redirects=False)
    assert response.status_code in (302, 303), response.text[-500:]
    return response


def test_newcomer_earns_through_the_pages(demo_database, tmp_path):
    env = {"DATABASE_URL": demo_database, "GOLDCOIN_UPLOAD_FOLDER": str(tmp_path / "up")}
    with running_server(env, async_mode="threading") as base, chromium_page() as page:
        page.goto(base + "/register")
        page.fill("input[name=username]", "newbie")
        page.fill("input[name=email]", "newbie@example.com")
        page.fill("input[name=password]", "newbie-pass-1")
        page.click("#register-form button[type=submit]")
        page.wait_for_url(base + "/profile")

        page.goto(base + "/community/s/general")
        page.fill("#new-thread-form input[name=title]", "My first grid settings")
        page.fill("#new-thread-form textarea[name=body]", "Step 15 pips, 4 levels.")
        page.click("#new-thread-form button[type=submit]")
        page.wait_for_url(re.compile(r".*/community/t/\d+$"))
        post_id = page.locator("article.post").first.get_attribute("id").split("-")[1]

        for name in ("bob", "carol", "dave", "erin", "frank"):
            http = login_session(base, name, f"{name}-demo-pass")
            form(http, f"{base}/community/p/{post_id}/vote")
        page.goto(base + "/profile")
        assert page.text_content("#coins-count") == "10"

        # An EA, verified by a moderator: +50.
        page.goto(base + "/community/eas/new")
        page.fill("input[name=name]", "Newbie Grid")
        page.set_input_files("input[name=file]", files=[{"name": "grid.ex5", "mimeType": "application/octet-stream",
                                                           "buffer": b"\x00grid"}])
        page.set_input_files("input[name=report]", str(DATA / HISTORY_BG))  # a real report: its figures are read
        page.click("#ea-upload-form button[type=submit]")
        page.wait_for_url(re.compile(r".*/community/eas/\d+$"))
        ea_id = page.url.rsplit("/", 1)[1]
        carol = login_session(base, "carol", "carol-demo-pass")
        form(carol, f"{base}/community/eas/{ea_id}/verify")
        page.goto(base + "/profile")
        assert page.text_content("#coins-count") == "60"

        # A question answered by alice; accepting it pays alice +20.
        page.goto(base + "/community/s/qa")
        page.fill("#new-thread-form input[name=title]", "Why error 134?")
        page.fill("#new-thread-form textarea[name=body]", "Not enough money?")
        page.click("#new-thread-form button[type=submit]")
        page.wait_for_url(re.compile(r".*/community/t/\d+$"))
        thread_url = page.url
        alice = login_session(base, "alice", "alice-demo-pass")
        before = alice.get(base + "/api/v1/me").json()["balance"]
        form(alice, thread_url + "/reply", body="Yes: free margin is too low.")
        page.goto(thread_url)
        with page.expect_navigation():
            page.click("button[id^=accept-]")
        assert "accepted answer" in page.text_content("body")
        assert alice.get(base + "/api/v1/me").json()["balance"] == before + 20
