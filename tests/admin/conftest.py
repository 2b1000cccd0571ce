"""Fixtures of the admin tests: logged-in browsers-as-test-clients per role."""
import re

import pytest
from sqlalchemy.orm import Session

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def hidden_value(html, name):
    match = re.search(r'<input[^>]*name="%s"[^>]*value="([^"]*)"' % re.escape(name), html) or re.search(
        r'<input[^>]*value="([^"]*)"[^>]*name="%s"' % re.escape(name), html
    )
    assert match, f"no input {name!r} in the page"
    return match.group(1)


class PageClient:
    """A test client that logs in through the /login form and posts forms with CSRF."""

    def __init__(self, client):
        self.client = client

    def csrf(self):
        return self.client.get("/api/v1/auth/csrf").get_json()["csrf_token"]

    def login(self, username, password="password123"):
        r = self.client.post("/login", data={"username": username, "password": password, "csrf_token": self.csrf()})
        assert r.status_code == 302, r.get_data(as_text=True)[:500]
        return self

    def get(self, path, **kwargs):
        return self.client.get(path, **kwargs)

    def post(self, path, data=None, csrf=True, **kwargs):
        data = dict(data or {})
        if csrf and "csrf_token" not in data:
            data["csrf_token"] = self.csrf()
        return self.client.post(path, data=data, **kwargs)


@pytest.fixture
def make_page_client(app):
    def make(username=None, password="password123"):
        page = PageClient(app.test_client())
        if username:
            page.login(username, password)
        return page

    return make


@pytest.fixture
def admin_page(make_user, make_page_client):
    make_user("chief", role="admin")
    return make_page_client("chief")


class ReadSession(Session):
    """A test-side session that ends its transaction after every statement.

    On SQLite every transaction takes the write lock at BEGIN (see
    goldcoin/__init__.py), so a test session holding one open would block the
    app's requests; this one never holds a transaction between statements."""

    def execute(self, *args, **kwargs):
        frozen = super().execute(*args, **kwargs).freeze()
        self.commit()
        return frozen()

    def scalar(self, *args, **kwargs):
        return self.execute(*args, **kwargs).scalar()

    def scalars(self, *args, **kwargs):
        return self.execute(*args, **kwargs).scalars()

    def get(self, *args, **kwargs):
        obj = super().get(*args, **kwargs)
        self.commit()
        return obj


@pytest.fixture
def session(app):
    from goldcoin.extensions import db

    with app.app_context():
        engine = db.engine
    with ReadSession(bind=engine, expire_on_commit=False) as s:
        yield s
