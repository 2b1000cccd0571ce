"""Headless Debian Chromium driven by Playwright (never a downloaded browser)."""
import os
import shutil
import tempfile
from contextlib import contextmanager

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@contextmanager
def chromium_context():
    """A browser with a fresh profile (its own --user-data-dir); closed afterwards."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is not installed (apt-get install chromium)", pytrace=False)
    profile = tempfile.mkdtemp(prefix="gc-chromium-")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield context
        finally:
            context.close()
            shutil.rmtree(profile, ignore_errors=True)


@contextmanager
def chromium_page():
    """One page of a fresh browser."""
    with chromium_context() as context:
        yield context.pages[0] if context.pages else context.new_page()


def log_in(page, username, password):
    """Fill in and submit the login form the page is showing."""
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("#login-form button[type=submit]")


def member_page(context, base, username, width, height=800):
    """A new page of `context` at `width`, logged in as a demo account
    (password `<username>-demo-pass`) and on its profile."""
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": height})
    page.goto(base + "/login")
    log_in(page, username, f"{username}-demo-pass")
    page.wait_for_url(base + "/profile")
    return page
