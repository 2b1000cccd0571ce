"""In Chromium: a forum member whose answer was accepted (a webhook paid 20)
signs in with the forum account, through a DiscourseConnect stand-in playing
the forum's side over HTTP, and lands on the profile widget showing that wallet."""
import base64
import html
from urllib.parse import parse_qsl, urlencode

import pytest
from flask_migrate import upgrade
from werkzeug.wrappers import Request, Response

from goldcoin import create_app
from goldcoin.discourse.signature import connect_payload, hex_hmac
from goldcoin.extensions import db
from tests.discourse.forum import CONNECT_SECRET, SECRET, Forum, post, requests_sender
from tests.support.browser import chromium_page
from tests.support.server import ServerThread, running_server

ACCOUNT = {"external_id": "4242", "username": "forum_alice", "name": "Alice Forum", "email": "alice@forum.example"}


class ForumStandIn:
    """Discourse's /session/sso_provider as seen from outside: check the signed
    request, show the forum's login form, and send the browser back to
    return_sso_url with the signed account (SessionController#sso_provider)."""

    def __call__(self, environ, start_response):
        request = Request(environ)
        if request.path != "/session/sso_provider":
            return Response("not found", 404)(environ, start_response)
        sso, sig = request.values.get("sso", ""), request.values.get("sig", "")
        if hex_hmac(CONNECT_SECRET, sso) != sig:
            return Response("bad signature", 403)(environ, start_response)
        asked = dict(parse_qsl(base64.b64decode(sso).decode()))
        if request.method == "GET":
            page = f"""<!doctype html><title>Forum log in</title><h1>Log in to the forum</h1>
<form method="post" id="forum-login"><input type="hidden" name="sso" value="{html.escape(sso)}">
<input type="hidden" name="sig" value="{sig}"><label>Username <input name="login"></label>
<label>Password <input name="password" type="password"></label><button type="submit">Log In</button></form>"""
            return Response(page, content_type="text/html")(environ, start_response)
        if request.form.get("login") != ACCOUNT["username"] or request.form.get("password") != "forum-pass":
            return Response("wrong password", 401)(environ, start_response)
        fields = {"nonce": asked["nonce"], "return_sso_url": asked["return_sso_url"], **ACCOUNT,
                  "admin": "false", "moderator": "false", "groups": "trust_level_2"}
        answer_sso, answer_sig = connect_payload(CONNECT_SECRET, fields)
        target = f"{asked['return_sso_url']}?{urlencode({'sso': answer_sso, 'sig': answer_sig})}"
        return Response(status=302, headers={"Location": target})(environ, start_response)


@pytest.fixture
def migrated_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'browser.db'}"
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()  # the migrations, this feature's included
        db.engine.dispose()
    return url


def test_a_forum_member_signs_in_with_the_forum_and_sees_the_wallet(migrated_database, tmp_path):
    with ServerThread(ForumStandIn()) as forum_site:
        env = {"DATABASE_URL": migrated_database, "DISCOURSE_URL": forum_site.base,
               "DISCOURSE_WEBHOOK_SECRET": SECRET, "DISCOURSE_CONNECT_SECRET": CONNECT_SECRET}
        with running_server(env) as base, chromium_page() as page:
            hooks = Forum(requests_sender(base), instance=forum_site.base)
            status, paid = hooks.accepted(post(701, 4242, "forum_alice", topic_id=70))
            assert (status, paid["coins"]) == (200, 20)

            page.goto(base + "/login")
            page.click("#discourse-sign-in")
            page.wait_for_url(forum_site.base + "/session/sso_provider*")
            page.fill("input[name=login]", "forum_alice")
            page.fill("input[name=password]", "forum-pass")
            page.click("#forum-login button[type=submit]")
            page.wait_for_url(base + "/profile")
            assert page.text_content("#profile-name").strip() == "forum_alice"
            assert page.text_content("#coins-count") == "20"
            page.screenshot(path=str(tmp_path / "profile-after-forum-sign-in.png"))

            # The password login of the site keeps working beside it.
            page.click("button:has-text('Log out')")
            page.goto(base + "/login")
            assert page.is_visible("#login-form") and page.is_visible("#discourse-sign-in")
