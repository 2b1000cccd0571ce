"""Members choose which kinds of notification also come by email; the email is
multipart (plain text and HTML) with an absolute link back, a Date and a
Message-ID, in the member's language; the admin site lists what was sent."""
import email
import re
from email import policy
from email.utils import parsedate_to_datetime

from sqlalchemy import func, select, update

from goldcoin.auth.models import User
from goldcoin.core.time import utcnow
from goldcoin.notifications import coins as notices
from goldcoin.notifications.email import wait_for_deliveries
from goldcoin.notifications.models import Notification
from tests.test_email_outbox import outbox


def _notice(app, fn, *args, **kwargs):
    with app.app_context():
        from goldcoin.extensions import db

        fn(db.session, *args, **kwargs)
        db.session.commit()


def _bell_count(session, user_id):
    count = session.scalar(select(func.count(Notification.id)).where(Notification.user_id == user_id))
    session.rollback()
    return count


def _save(api, *kinds):
    return api.client.post("/notifications/email", data={"csrf_token": api.csrf, "kind": list(kinds)})


def test_only_the_kinds_a_member_wants_are_emailed_the_bell_hears_all(app, session, make_user, make_api):
    bob = make_user("bob")
    # The defaults: an admin's change comes by email, routine earnings do not.
    _notice(app, notices.coins_adjusted, bob.id, 25, "thanks for the report")
    _notice(app, notices.coins_earned, bob.id, 5, "Quality post: Grid settings")
    [mail] = outbox(session)
    assert mail.to == "bob@example.com" and "25" in mail.subject and "thanks for the report" in mail.body

    # Bob wants his earnings by email, and no admin changes.
    api = make_api("bob")
    assert _save(api, "earned").status_code == 302
    _notice(app, notices.coins_adjusted, bob.id, -5, "double payment")
    assert len(outbox(session)) == 1  # switched off: no email
    _notice(app, notices.coins_earned, bob.id, 5, "Quality post: Grid settings")
    mails = outbox(session)
    assert len(mails) == 2 and "Quality post: Grid settings" in mails[1].body  # switched on: one email
    assert _bell_count(session, bob.id) == 4  # every notice reached the bell


def test_occasions_follow_their_own_kind_and_orders_are_payments(app, session, make_user, make_api):
    from goldcoin.notifications import notify

    carol = make_user("carol")
    api = make_api("carol")
    assert _save(api, "payments").status_code == 302  # everything else off
    _notice(app, notices.coins_earned, carol.id, 50, "Verified EA: TrendRider", rule="ea_verified")  # eas: off
    _notice(app, notices.coins_earned, carol.id, 30, "Challenge prize: March", rule="challenge")  # challenges: off
    assert outbox(session) == []
    # The orders write their own email and are payments.
    _notice(app, notify, carol.id, "Recharge successful", "/recharge/orders/7", "Gold Coin: recharge #7", "Paid.",
            kind="payments")
    [mail] = outbox(session)
    assert mail.subject == "Gold Coin: recharge #7"
    assert _save(api).status_code == 302  # nothing by email at all
    _notice(app, notify, carol.id, "Recharge successful", "/recharge/orders/8", "Gold Coin: recharge #8", "Paid.",
            kind="payments")
    assert len(outbox(session)) == 1

    # The kind follows the rule that paid, not the words: EA reviews and
    # challenge prizes on, routine earnings off.
    assert _save(api, "eas", "challenges").status_code == 302
    _notice(app, notices.coins_earned, carol.id, 50, "Verified EA: TrendRider", rule="ea_verified")
    _notice(app, notices.coins_earned, carol.id, 30, "Challenge prize: March", rule="challenge")
    _notice(app, notices.coins_earned, carol.id, 5, "Quality post: Grid settings", rule="post_quality")
    _notice(app, notices.award_capped, carol.id, "Answer accepted", "Solution", rule="solution")
    assert [m.body.count("TrendRider") > 0 or "March" in m.body for m in outbox(session)[1:]] == [True, True]


def test_the_settings_page_shows_saves_and_refuses(app, make_user, make_api):
    make_user("dave")
    api = make_api("dave")
    page = api.get("/notifications/email").get_data(as_text=True)
    checked = set(re.findall(r'value="(\w+)" id="email-\w+" checked', page))
    assert checked == {"payments", "admin", "eas", "bounties", "challenges"}  # the defaults
    assert "dave@example.com" in page

    r = _save(api, "earned", "capped")
    assert r.status_code == 302 and r.headers["Location"].endswith("/notifications/email")
    page = api.get("/notifications/email").get_data(as_text=True)
    assert "Your email settings were saved." in page
    assert set(re.findall(r'value="(\w+)" id="email-\w+" checked', page)) == {"earned", "capped"}

    # No CSRF token: refused, nothing changed. An unknown kind: a clear refusal, not a 500.
    r = api.client.post("/notifications/email", data={"kind": ["admin"]})
    assert r.status_code == 400
    r = _save(api, "admin", "lottery")  # the test client sends no Referer: it still returns to the form
    assert r.status_code == 302 and r.headers["Location"].endswith("/notifications/email")
    page = api.get("/notifications/email").get_data(as_text=True)
    assert "lottery" in page  # the refusal names it
    assert set(re.findall(r'value="(\w+)" id="email-\w+" checked', page)) == {"earned", "capped"}

    # The moderators' kind (EAs to review) is not offered to a member; a moderator sees it.
    assert 'value="review"' not in page
    make_user("mona", role="moderator")
    assert 'value="review"' in make_api("mona").get("/notifications/email").get_data(as_text=True)

    # Reachable from the notifications page and the profile.
    assert 'href="/notifications/email"' in api.get("/notifications").get_data(as_text=True)
    assert 'href="/notifications/email"' in api.get("/profile").get_data(as_text=True)


def test_the_settings_page_speaks_the_members_language(app, session, make_user, make_api):
    lin = make_user("lin")
    session.execute(update(User).where(User.id == lin.id).values(language="zh_CN"))
    session.commit()
    api = make_api("lin")
    page = api.get("/notifications/email").get_data(as_text=True)
    assert "邮件" in page and "Choose which ones also come by email" not in page
    assert "已保存" in api.client.post("/notifications/email", data={"csrf_token": api.csrf, "kind": ["admin"]},
                                      follow_redirects=True).get_data(as_text=True)


def test_the_email_is_html_and_text_with_a_link_date_and_message_id(app, session, make_user, mailbox, runner):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=mailbox.port, MAIL_DEFAULT_SENDER="coins@goldcoin.test",
                      GOLDCOIN_PUBLIC_URL="https://coins.example.test")
    lin = make_user("lin")
    session.execute(update(User).where(User.id == lin.id).values(language="zh_CN"))
    session.commit()
    before = utcnow().replace(microsecond=0)
    result = runner.invoke(args=["goldcoin", "adjust", "lin", "40", "--reason", "bug <bounty>"])
    assert result.exit_code == 0, result.output
    wait_for_deliveries()
    [received] = mailbox.wait_for(1)
    assert received.rcpt_tos == ["lin@example.com"]
    message = email.message_from_bytes(received.content, policy=policy.default)

    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "40" in text and "bug <bounty>" in text and "管理员" in text  # in Lin's language
    assert "https://coins.example.test/history" in text
    assert 'href="https://coins.example.test/history"' in html and 'lang="zh-CN"' in html
    assert "bug &lt;bounty&gt;" in html and "<bounty>" not in html  # the HTML part escapes what members wrote
    assert "https://coins.example.test/notifications/email" in text  # where to choose
    assert 'href="https://coins.example.test/notifications/email"' in html
    assert "金币网" in message["Subject"]

    sent = parsedate_to_datetime(message["Date"])
    assert sent.tzinfo is not None and sent >= before
    message_id = message["Message-ID"].strip()  # a long header may be folded
    assert re.fullmatch(r"<[^@<>\s]+@coins\.example\.test>", message_id)
    [mail] = outbox(session)
    assert mail.message_id == message_id and mail.sent_at is not None  # a retry would carry the same id


def test_the_sent_mail_page_lists_the_outbox(app, session, make_user, make_api, mailbox):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=mailbox.port)
    make_user("root", role="admin")
    erin = make_user("erin")
    _notice(app, notices.coins_adjusted, erin.id, 15, "meetup helper")
    wait_for_deliveries()
    mailbox.wait_for(1)
    app.config.update(MAIL_SERVER=None)
    _notice(app, notices.ea_rejected, erin.id, "Scalper <b>", "no report", "/community/eas/3")  # waits: no server

    page = make_api("root").get("/admin/sent_mail/").get_data(as_text=True)
    assert "erin@example.com" in page and "meetup helper" in page
    assert re.search(r">\s*sent\s*<", page) and re.search(r">\s*waiting\s*<", page)
    assert "Scalper &lt;b&gt;" in page and "Scalper <b>" not in page  # the text is escaped
    # Members do not see it.
    assert make_api("erin").get("/admin/sent_mail/").status_code in (302, 403)
