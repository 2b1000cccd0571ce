"""The admin tests' page clients, for the walkthrough's tests."""
import pytest

from tests.admin.conftest import admin_page, make_page_client  # noqa: F401
from tests.community.conftest import forum, make_voter  # noqa: F401
from tests.support.server import running_demo


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """The demo economy (goldcoin.demo: admin, moderator carol, members alice,
    bob, dave) served by app.py with the payment simulator, for Chromium."""
    with running_demo(tmp_path_factory.mktemp("walk")) as (base, _):
        yield base
