"""Login limits (goldcoin/auth/login_limits.py): one bucket per account and
one per address, shared by /login and /api/v1/auth/login, counting failures
only; a browser that logged into the account before keeps its own buckets,
so a limited address does not lock a member out of their own browser."""
import pytest

from goldcoin.auth.login_limits import DEVICE_COOKIE


@pytest.fixture
def limited(app_config):
    app_config.update(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://",
                      LOGIN_ACCOUNT_RATE_LIMIT="4 per 15 minutes", LOGIN_IP_RATE_LIMIT="6 per 15 minutes")


def browser(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def csrf(client):
    return client.get("/api/v1/auth/csrf").get_json()["csrf_token"]


def api_login(client, username, password):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password},
                       headers={"X-CSRFToken": csrf(client)}).status_code


def page_login(client, username, password):
    return client.post("/login", data={"username": username, "password": password, "csrf_token": csrf(client)}).status_code


def test_one_bucket_per_account_shared_by_both_routes_and_every_address(limited, app, make_user):
    make_user("alice")
    codes = [page_login(browser(app, f"10.0.0.{n}"), "alice", "guess") for n in range(2)]
    codes += [api_login(browser(app, f"10.0.1.{n}"), "ALICE", "guess") for n in range(2)]
    assert codes == [401] * 4
    # Spent: the fifth attempt, from yet another address and either route, is refused, the right password too.
    assert api_login(browser(app, "10.0.2.1"), "alice", "password123") == 429
    assert page_login(browser(app, "10.0.2.2"), "alice", "password123") == 429
    # Another account is not affected.
    make_user("bob")
    assert api_login(browser(app, "10.0.2.3"), "bob", "password123") == 200


def test_one_bucket_per_address_shared_by_both_routes(limited, app, make_user):
    for name in ("uma", "ursula", "ulla"):
        make_user(name)
    client = browser(app, "10.9.9.9")
    codes = [page_login(client, "uma", "guess"), page_login(client, "uma", "guess"), page_login(client, "uma", "guess"),
             api_login(client, "ursula", "guess"), api_login(client, "ursula", "guess"), api_login(client, "nobody", "x")]
    assert codes == [401] * 6
    assert api_login(client, "ulla", "password123") == 429
    assert page_login(browser(app, "10.9.9.9"), "ulla", "password123") == 429
    assert api_login(browser(app, "10.9.9.8"), "ulla", "password123") == 200


def test_correct_logins_spend_nothing(limited, app, make_user):
    make_user("carol")
    client = browser(app, "10.1.1.1")
    for _ in range(8):
        assert api_login(client, "carol", "password123") == 200
        client.post("/api/v1/auth/logout", json={}, headers={"X-CSRFToken": csrf(client)})


def test_a_known_browser_logs_in_from_a_limited_address(limited, app, make_user):
    make_user("dave")
    mine = browser(app, "10.2.2.2")
    assert api_login(mine, "dave", "password123") == 200
    assert mine.get_cookie(DEVICE_COOKIE) is not None
    mine.post("/api/v1/auth/logout", json={}, headers={"X-CSRFToken": csrf(mine)})
    # Someone behind the same address spends both the address's and dave's buckets.
    stranger = browser(app, "10.2.2.2")
    assert [api_login(stranger, "dave", "guess") for _ in range(6)] == [401] * 4 + [429] * 2
    assert api_login(stranger, "dave", "password123") == 429
    # Dave's own browser still gets in with the right password...
    assert page_login(mine, "dave", "password123") == 302
    # ...and guessing from it is limited like anywhere else.
    other = browser(app, "10.2.2.2")
    other.set_cookie(DEVICE_COOKIE, mine.get_cookie(DEVICE_COOKIE).value)
    assert [api_login(other, "dave", "guess") for _ in range(5)] == [401] * 4 + [429]
    # A forged device cookie is no device.
    forged = browser(app, "10.2.2.2")
    forged.set_cookie(DEVICE_COOKIE, "eyJkYXZlIjoieCJ9.forged")
    assert api_login(forged, "dave", "password123") == 429
