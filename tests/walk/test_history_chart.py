"""The balance chart on /history stretches to the page's width; its "max"
label is HTML over it, so it is not stretched with it (inside the SVG it was
squeezed at 390 px and widened at 1280 px)."""
import pytest
from playwright.sync_api import expect

from tests.support.browser import chromium_context, member_page


@pytest.mark.parametrize("width", [390, 1280])
def test_the_charts_label_keeps_its_shape_at_every_width(demo_server, width):
    with chromium_context() as context:
        page = member_page(context, demo_server, "alice", width)
        page.goto(demo_server + "/history")
        label = page.locator("#balance-chart-max")
        expect(label).to_have_text("max 260")
        assert page.locator("#balance-chart text").count() == 0  # nothing drawn inside the stretched SVG
        # Unscaled: the text's drawn width is its laid-out width (a stretched SVG text's is not).
        drawn, laid_out = label.evaluate("e => [e.getBoundingClientRect().width, e.offsetWidth]")
        assert abs(drawn - laid_out) <= 1
