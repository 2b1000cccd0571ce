"""Emails that fail to send are kept in the database outbox and retried by
the minute timer (poll-payments, or send-email) against a real SMTP server;
.mq4/.mq5 downloads carry the charset once."""
from datetime import timedelta

from sqlalchemy import select, update

from goldcoin.core.time import utcnow
from goldcoin.notifications import notify
from goldcoin.notifications.email import wait_for_deliveries
from goldcoin.notifications.models import OutboxEmail
from tests.support.mail import smtp_server
from tests.support.server import free_port


def outbox(session):
    session.expire_all()
    rows = session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)).all()
    for row in rows:
        session.expunge(row)
    session.rollback()  # end the read: on SQLite an open transaction holds the write lock
    return rows


def test_an_email_the_server_refused_is_kept_and_retried_by_the_timer(app, app_config, session, make_user, runner):
    port = free_port()  # nothing listens here yet: the mail server is down
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_DEFAULT_SENDER="shop@goldcoin.test")
    alice = make_user("alice")
    with app.app_context():
        from goldcoin.extensions import db

        notify(db.session, alice.id, "Your coins arrived", email_subject="Coins arrived", email_body="200 coins",
               kind="payments")
        db.session.commit()
    wait_for_deliveries()
    [mail] = outbox(session)
    assert mail.sent_at is None and mail.attempts == 1 and mail.last_error and mail.next_attempt_at > utcnow()
    # Not due yet: the timer leaves it alone.
    result = runner.invoke(args=["goldcoin", "send-email"])
    assert result.exit_code == 0 and "sent=0" in result.output

    with smtp_server(port) as box:
        session.execute(update(OutboxEmail).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
        session.commit()  # its backoff has passed
        result = runner.invoke(args=["goldcoin", "poll-payments"])  # the minute timer
        assert "email: sent=1" in result.output, result.output
        [received] = box.wait_for(1)
        assert received.rcpt_tos == ["alice@example.com"] and b"Subject: Coins arrived" in received.content
        [mail] = outbox(session)
        assert mail.sent_at is not None and mail.attempts == 2
        # Sent once: the next tick sends nothing more.
        assert "sent=0" in runner.invoke(args=["goldcoin", "send-email"]).output
        assert len(box.messages) == 1


def test_a_rolled_back_notification_leaves_no_email(app, session, make_user):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    bob = make_user("bob")
    with app.app_context():
        from goldcoin.extensions import db

        notify(db.session, bob.id, "x", email_subject="never", kind="payments")
        db.session.rollback()
    wait_for_deliveries()
    assert outbox(session) == []


def test_mq4_and_mq5_downloads_carry_the_charset_once(app, session, make_user, make_api):
    from goldcoin.community.models import ExpertAdvisor
    from tests.community.test_ea_library import upload

    author = make_user("author")
    api = make_api("author")
    for ext in (".mq4", ".mq5"):
        assert upload(api, file_name=f"source{ext}", content=b"// MQL source", name=f"Src {ext}").status_code == 302
    session.expire_all()
    ids = session.scalars(select(ExpertAdvisor.id).where(ExpertAdvisor.author_id == author.id)).all()
    session.rollback()
    for ea_id in ids:
        r = api.get(f"/community/eas/{ea_id}/download")
        assert r.status_code == 200 and r.headers["Content-Type"] == "text/plain; charset=utf-8", r.headers
        assert r.headers["X-Content-Type-Options"] == "nosniff" and "attachment" in r.headers["Content-Disposition"]
