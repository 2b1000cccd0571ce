"""One-click unsubscribe: every notification email carries a signed link per
member and kind (and the RFC 8058 List-Unsubscribe headers); following it
needs no login, and turns only that kind off. A forged link changes nothing."""
import base64
import email
import re
from email import policy

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import update

from goldcoin.auth.models import User
from goldcoin.notifications import coins as notices
from goldcoin.notifications import notify
from goldcoin.notifications.email import wait_for_deliveries
from goldcoin.notifications.preferences import email_choices
from goldcoin.notifications.unsubscribe import SALT, unsubscribe_token
from tests.test_email_notifications import _notice
from tests.test_email_outbox import outbox

PUBLIC = "https://coins.example.test"
PAGE = re.compile(re.escape(PUBLIC) + r"/notifications/unsubscribe/([A-Za-z0-9_.\-]+)")
DEFAULTS = {"payments": True, "admin": True, "eas": True, "bounties": True, "challenges": True, "earned": False,
            "capped": False, "review": False}


@pytest.fixture
def public(app):
    app.config.update(GOLDCOIN_PUBLIC_URL=PUBLIC)
    return app


def _choices(app, user_id):
    with app.app_context():
        from goldcoin.extensions import db

        choices = email_choices(db.session, user_id)
        db.session.rollback()
        return choices


def _page_path(mail_body):
    return PAGE.search(mail_body).group(0)[len(PUBLIC):]


def _form_csrf(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _payment_notice(app, user_id, order):
    _notice(app, notify, user_id, "Recharge successful", f"/recharge/orders/{order}", f"Gold Coin: recharge #{order}",
            "Paid.", kind="payments")


def test_the_email_has_the_headers_and_links_and_the_link_turns_that_kind_off(public, session, make_user,
                                                                               mailbox):
    public.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=mailbox.port)
    bob = make_user("bob")
    _notice(public, notices.coins_adjusted, bob.id, 25, "thanks for the report")  # kind "admin"
    wait_for_deliveries()
    [received] = mailbox.wait_for(1)
    message = email.message_from_bytes(received.content, policy=policy.default)
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()

    # RFC 8058: one HTTPS URI the mail client POSTs "List-Unsubscribe=One-Click" to.
    header = re.fullmatch(r"<(https://coins\.example\.test/notifications/unsubscribe/[^>\s]+/one-click)>",
                          "".join(message["List-Unsubscribe"].split()))
    assert header, message["List-Unsubscribe"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = PAGE.search(text).group(0)
    assert header.group(1) == link + "/one-click"  # the same member and kind
    assert "Stop emails like this" in text and "Stop emails like this" in html
    assert f'href="{link}"' in html
    assert f"{PUBLIC}/notifications/email" in text  # the settings link stays

    # Following the link: no login; the page names the kind and asks.
    visitor = public.test_client()
    page = visitor.get(link[len(PUBLIC):])
    assert page.status_code == 200
    page = page.get_data(as_text=True)
    assert "An admin gave you coins or took coins back" in page
    assert re.search(r'<form method="post"[^>]*id="unsubscribe-form"', page)

    # The button posts with the page's CSRF token, as every form of the site does.
    done = visitor.post(link[len(PUBLIC):], data={"csrf_token": _form_csrf(page)})
    assert done.status_code == 200
    done = done.get_data(as_text=True)
    assert "You will no longer get emails about" in done and "An admin gave you coins or took coins back" in done
    assert 'href="/notifications/email"' in done
    assert _choices(public, bob.id) == {**DEFAULTS, "admin": False}  # that kind only
    # Again (a reload, a second click): the same answer, the same choices.
    again = visitor.post(link[len(PUBLIC):], data={"csrf_token": _form_csrf(page)})
    assert again.status_code == 200 and "You will no longer get emails about" in again.get_data(as_text=True)
    assert _choices(public, bob.id) == {**DEFAULTS, "admin": False}

    # A later admin notice is not emailed; a payment still is.
    _notice(public, notices.coins_adjusted, bob.id, -5, "double payment")
    _payment_notice(public, bob.id, 7)
    wait_for_deliveries()
    mails = outbox(session)
    assert [m.subject for m in mails[1:]] == ["Gold Coin: recharge #7"]
    assert len(mailbox.wait_for(2)) == 2


def test_the_button_needs_the_csrf_token(public, session, make_user):
    carol = make_user("carol")
    _notice(public, notices.coins_adjusted, carol.id, 10, "welcome")
    path = _page_path(outbox(session)[0].body)
    visitor = public.test_client()
    assert visitor.get(path).status_code == 200
    assert visitor.post(path, data={}).status_code == 400
    assert _choices(public, carol.id) == DEFAULTS


def test_the_one_click_post_needs_no_cookie_and_no_csrf(public, session, make_user):
    dave = make_user("dave")
    _payment_notice(public, dave.id, 3)
    [mail] = outbox(session)
    one_click = _page_path(mail.body) + "/one-click"
    assert mail.list_unsubscribe == PUBLIC + one_click
    client = public.test_client(use_cookies=False)

    # A POST without RFC 8058's body is not a one-click unsubscribe: nothing changes.
    assert client.post(one_click, data={}).status_code == 400
    assert _choices(public, dave.id) == DEFAULTS
    # A GET (a link checker, a client that only opens the URL) changes nothing either.
    opened = client.get(one_click)
    assert opened.status_code == 302 and opened.headers["Location"].endswith(_page_path(mail.body))
    assert _choices(public, dave.id) == DEFAULTS

    answer = client.post(one_click, data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    assert _choices(public, dave.id) == {**DEFAULTS, "payments": False}
    assert client.post(one_click, data={"List-Unsubscribe": "One-Click"}).status_code == 200  # idempotent
    assert _choices(public, dave.id) == {**DEFAULTS, "payments": False}
    _payment_notice(public, dave.id, 4)
    assert len(outbox(session)) == 1


def _tampered(token, user_id):
    payload, signature = token.split(".")
    other = base64.urlsafe_b64encode(f'[{user_id},"admin"]'.encode()).decode().rstrip("=")
    return f"{other}.{signature}"


def test_a_forged_or_tampered_link_is_refused_and_changes_nothing(public, session, make_user):
    erin = make_user("erin")
    mallory = make_user("mallory")
    _notice(public, notices.coins_adjusted, mallory.id, 10, "welcome")
    own = _page_path(outbox(session)[0].body).rsplit("/", 1)[1]
    with public.app_context():
        forged = [
            _tampered(unsubscribe_token(mallory.id, "payments"), erin.id),  # another member's id, the old signature
            own[:-2] + ("AA" if not own.endswith("AA") else "BB"),  # a changed signature
            URLSafeSerializer("not-the-secret", salt=SALT).dumps([erin.id, "admin"]),  # another key
            URLSafeSerializer(public.config["SECRET_KEY"], salt="another-salt").dumps([erin.id, "admin"]),
            unsubscribe_token(erin.id, "lottery"),  # signed, but no such kind
            unsubscribe_token(999999, "admin"),  # signed, but no such member
            "garbage",
        ]
    visitor = public.test_client()
    csrf = _form_csrf(visitor.get(_page_path(outbox(session)[0].body)).get_data(as_text=True))
    for token in forged:
        path = f"/notifications/unsubscribe/{token}"
        page = visitor.get(path)
        assert page.status_code == 404, token
        assert "This unsubscribe link is not valid" in page.get_data(as_text=True)
        assert visitor.post(path, data={"csrf_token": csrf}).status_code == 404, token
        assert visitor.post(path + "/one-click", data={"List-Unsubscribe": "One-Click"}).status_code == 404, token
    assert _choices(public, erin.id) == DEFAULTS
    assert _choices(public, mallory.id) == DEFAULTS


def test_the_page_speaks_the_members_language(public, session, make_user):
    lin = make_user("lin")
    session.execute(update(User).where(User.id == lin.id).values(language="zh_CN"))
    session.commit()
    _notice(public, notices.coins_adjusted, lin.id, 40, "bug")
    [mail] = outbox(session)
    assert "不再接收此类邮件" in mail.body and "不再接收此类邮件" in mail.html
    path = _page_path(mail.body)
    # A browser that asks for English still reads Lin's language: the link is hers.
    visitor = public.test_client()
    page = visitor.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'lang="zh-CN"' in page and "管理员" in page and "An admin gave you coins" not in page
    done = visitor.post(path, data={"csrf_token": _form_csrf(page)}, headers={"Accept-Language": "en"})
    done = done.get_data(as_text=True)
    assert "你将不再收到" in done and "You will no longer" not in done


SECRET = "unsubscribe-browser-test-secret-0123456789"


@pytest.fixture
def phone_server(tmp_path):
    """app.py on a fresh SQLite database with one Chinese-speaking member."""
    from flask_migrate import upgrade

    from goldcoin import create_app
    from goldcoin.auth.service import register_member
    from goldcoin.extensions import db
    from tests.support.server import running_server

    url = f"sqlite:///{tmp_path / 'unsubscribe.db'}"
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET})
    with app.app_context():
        upgrade()
        member = register_member(db.session, "lin", "lin@example.com", "password123")
        member.language = "zh_CN"
        db.session.commit()
        token = unsubscribe_token(member.id, "bounties")
        db.engine.dispose()
    with running_server({"DATABASE_URL": url, "SECRET_KEY": SECRET}) as base:
        yield base, token


def test_the_page_fits_a_phone(phone_server):
    from playwright.sync_api import expect

    from tests.support.browser import chromium_page

    base, token = phone_server
    with chromium_page() as page:
        page.set_viewport_size({"width": 390, "height": 800})
        page.goto(f"{base}/notifications/unsubscribe/{token}")
        wide = "[document.documentElement.scrollWidth, window.innerWidth]"
        scroll, inner = page.evaluate(wide)
        assert scroll <= inner
        page.click("#unsubscribe-form button")
        expect(page.locator("#unsubscribe-done")).to_contain_text("你将不再收到")
        scroll, inner = page.evaluate(wide)
        assert scroll <= inner
