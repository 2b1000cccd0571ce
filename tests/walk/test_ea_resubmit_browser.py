"""In Chromium, at a phone's and a laptop's width: carol rejects dave's EA
with a reason, dave reads it, edits the EA and resubmits it, and carol finds
it back in her queue with the earlier reason; no page scrolls sideways."""
import pytest

from tests.support.browser import chromium_context, log_in


def sign_in(context, base, username, width):
    """The context's one page, signed in as `username` (the last role's cookies gone)."""
    context.clear_cookies()
    page = context.pages[0] if context.pages else context.new_page()
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(base + "/login")
    log_in(page, username, f"{username}-demo-pass")
    page.wait_for_url(base + "/profile")
    return page


def not_wide(page, shots, name):
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    page.screenshot(path=shots / f"{name}.png", full_page=True)
    assert scroll <= inner, (name, scroll, inner)


@pytest.mark.parametrize("width", [390, 1280])
def test_a_rejected_ea_is_edited_and_back_in_the_queue(demo_server, width, tmp_path):
    reason = f"Attach the Strategy Tester report ({width})."
    with chromium_context() as context:
        carol = sign_in(context, demo_server, "carol", width)
        carol.goto(demo_server + "/community/eas/queue")
        item = carol.locator(".queue-item", has_text="Night Scalper")
        ea_id = item.get_attribute("id").split("-")[1]
        item.locator("input[name=reason]").fill(reason)
        item.locator(f"#reject-{ea_id}").click()
        carol.wait_for_load_state("load")

        dave = sign_in(context, demo_server, "dave", width)
        dave.goto(demo_server + f"/community/eas/{ea_id}")
        assert reason in dave.text_content("#ea-rejection")
        not_wide(dave, tmp_path, f"rejected-{width}")
        dave.click("#ea-edit")
        dave.wait_for_url(demo_server + f"/community/eas/{ea_id}/edit")
        assert reason in dave.text_content("#ea-rejection")
        not_wide(dave, tmp_path, f"edit-{width}")
        dave.fill("textarea[name=description]", f"Asian-session scalper; report to follow ({width}).")
        dave.click("#ea-submit")
        dave.wait_for_url(demo_server + f"/community/eas/{ea_id}")
        assert dave.get_attribute("#ea-status", "data-status") == "pending"
        assert reason in dave.text_content("#ea-resubmitted")
        not_wide(dave, tmp_path, f"resubmitted-{width}")
        dave.goto(demo_server + "/community/eas")
        not_wide(dave, tmp_path, f"library-{width}")

        carol = sign_in(context, demo_server, "carol", width)
        carol.goto(demo_server + "/community/eas/queue")
        assert reason in carol.text_content(f"#resubmitted-{ea_id}")
        not_wide(carol, tmp_path, f"queue-{width}")
