"""The admin tests' page clients, for the walkthrough's tests."""
import pytest

from tests.admin.conftest import admin_page, make_page_client  # noqa: F401
from tests.community.conftest import forum  # noqa: F401


@pytest.fixture(autouse=True)
def _babel_for_flask_admin(app):
    # Flask-Admin translates its templates through Flask-Babel whenever that is
    # installed; until the app sets Babel up itself (the i18n work), do it here.
    try:
        from flask_babel import Babel
    except ImportError:
        return
    if "babel" not in app.extensions:
        Babel(app)
