"""Email through SMTP from the outbox (`OutboxEmail`), after commit.

notify() writes the email in the transaction that caused it; once that
commits, a background thread sends it. A send that fails (the mail server is
down or refuses) is retried with a growing delay by `flask goldcoin
send-email`, which the poll-payments timer runs every minute too, until it
is sent or MAX_ATTEMPTS have failed. Each attempt first takes a lease on
the row (one conditional UPDATE), so two senders never send it at once.
No MAIL_SERVER configured: nothing is sent, the email waits in the outbox.
"""
import atexit
import logging
import smtplib
import threading
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app, has_app_context
from sqlalchemy import or_, select, update

from goldcoin.aftercommit import subscribe
from goldcoin.core.time import utcnow

from .models import OutboxEmail

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
LEASE = timedelta(minutes=5)
_threads = []


def mail_settings(config):
    return {
        "server": config.get("MAIL_SERVER"),
        "port": int(config.get("MAIL_PORT") or 25),
        "username": config.get("MAIL_USERNAME"),
        "password": config.get("MAIL_PASSWORD"),
        "use_tls": bool(config.get("MAIL_USE_TLS")),
        "sender": config.get("MAIL_DEFAULT_SENDER") or "Gold Coin <no-reply@goldcoin.local>",
    }


def build_message(sender, to, subject, body, html=None, message_id=None, list_unsubscribe=None):
    """The email as sent: plain text, and HTML as its alternative when there is
    one; with `list_unsubscribe` (an https URL), RFC 8058's one-click headers,
    which mail clients show as their own "Unsubscribe" button."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = message_id or make_msgid(domain="goldcoin.local")
    if list_unsubscribe:
        message["List-Unsubscribe"] = f"<{list_unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(body)
    if html:
        message.add_alternative(html, subtype="html")
    return message


def send_email(settings, to, subject, body, html=None, message_id=None, list_unsubscribe=None):
    message = build_message(settings["sender"], to, subject, body, html, message_id, list_unsubscribe)
    with smtplib.SMTP(settings["server"], settings["port"], timeout=15) as smtp:
        if settings["use_tls"]:
            smtp.starttls()
        if settings["username"]:
            smtp.login(settings["username"], settings["password"] or "")
        smtp.send_message(message)


def _backoff(attempts):
    # 1, 2, 4, ... minutes, at most 6 hours between attempts.
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def _claim(session, mail_id, now):
    """Take the lease on a due, unsent email; False when another sender has it."""
    claimed = session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.id == mail_id, OutboxEmail.sent_at.is_(None), OutboxEmail.failed_at.is_(None),
               OutboxEmail.next_attempt_at <= now)
        .values(next_attempt_at=now + LEASE)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.commit()  # the lease must hold while the SMTP call runs, outside any transaction
    return claimed == 1


def deliver(session, settings, mail_id, now=None):
    """One attempt at one outbox email; returns "sent", "failed" or "busy".
    Commits (the lease, then the outcome): a batch of its own."""
    now = now or utcnow()
    if not _claim(session, mail_id, now):
        return "busy"
    mail = session.get(OutboxEmail, mail_id)
    to, subject, body, html, message_id = mail.to, mail.subject, mail.body, mail.html, mail.message_id
    list_unsubscribe = mail.list_unsubscribe
    session.commit()  # no transaction open during the SMTP call
    try:
        send_email(settings, to, subject, body, html, message_id, list_unsubscribe)
    except Exception as exc:  # noqa: BLE001 - any refusal or outage: retried later
        mail = session.get(OutboxEmail, mail_id)
        mail.attempts += 1
        mail.last_error = f"{type(exc).__name__}: {exc}"[:500]
        if mail.attempts >= MAX_ATTEMPTS:
            mail.failed_at = utcnow()
            log.error("email %r to %s given up after %d attempts: %s", subject, to, mail.attempts, mail.last_error)
        else:
            mail.next_attempt_at = utcnow() + _backoff(mail.attempts)
            log.warning("email %r to %s failed (attempt %d), retried later: %s", subject, to, mail.attempts,
                        mail.last_error)
        session.commit()
        return "failed"
    mail = session.get(OutboxEmail, mail_id)
    mail.attempts += 1
    mail.sent_at = utcnow()
    session.commit()
    log.info("email %r sent to %s", subject, to)
    return "sent"


def send_due(session, config, now=None, limit=200):
    """Send (or retry) every due email of the outbox; returns counts."""
    counts = {"sent": 0, "failed": 0, "busy": 0}
    settings = mail_settings(config)
    if not settings["server"]:
        return counts
    now = now or utcnow()
    due = session.scalars(
        select(OutboxEmail.id)
        .where(OutboxEmail.sent_at.is_(None), OutboxEmail.failed_at.is_(None),
               or_(OutboxEmail.next_attempt_at <= now, OutboxEmail.next_attempt_at.is_(None)))
        .order_by(OutboxEmail.id).limit(limit)
    ).all()
    session.commit()
    for mail_id in due:
        counts[deliver(session, settings, mail_id, now)] += 1
    return counts


def _deliver_in_thread(app, mail_id):
    from goldcoin.extensions import db

    with app.app_context():
        try:
            deliver(db.session, mail_settings(app.config), mail_id)
        except Exception:  # noqa: BLE001 - the email stays in the outbox for the timer
            log.exception("email %s: delivery after commit failed", mail_id)
            db.session.rollback()
        finally:
            db.session.remove()


def wait_for_deliveries(timeout=30):
    """Join the after-commit delivery threads started so far (tests, shutdown)."""
    while _threads:
        _threads.pop().join(timeout)


# A command that exits right after its commit (flask goldcoin demo, adjust)
# still sends what it queued, instead of leaving it leased for LEASE.
atexit.register(wait_for_deliveries)


@subscribe("notification_email")
def email_after_commit(payload):
    if not has_app_context():
        log.warning("no app context: email %s stays in the outbox", payload["id"])
        return
    if not current_app.config.get("MAIL_SERVER"):
        log.info("MAIL_SERVER not set: email %s stays in the outbox", payload["id"])
        return
    # Off the request: a slow mail server must not hold up an IPN answer.
    # (A plain thread is a greenlet under gevent's monkey-patching.)
    thread = threading.Thread(target=_deliver_in_thread, args=(current_app._get_current_object(), payload["id"]),
                              daemon=True)
    _threads.append(thread)
    thread.start()
