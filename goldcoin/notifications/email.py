"""Email through SMTP, after commit. No MAIL_SERVER configured: no email, logged."""
import logging
import smtplib
import threading
from email.message import EmailMessage

from flask import current_app, has_app_context

from goldcoin.aftercommit import subscribe

log = logging.getLogger(__name__)


def mail_settings(config):
    return {
        "server": config.get("MAIL_SERVER"),
        "port": int(config.get("MAIL_PORT") or 25),
        "username": config.get("MAIL_USERNAME"),
        "password": config.get("MAIL_PASSWORD"),
        "use_tls": bool(config.get("MAIL_USE_TLS")),
        "sender": config.get("MAIL_DEFAULT_SENDER") or "Gold Coin <no-reply@goldcoin.local>",
    }


def send_email(settings, to, subject, body):
    message = EmailMessage()
    message["From"] = settings["sender"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(settings["server"], settings["port"], timeout=15) as smtp:
        if settings["use_tls"]:
            smtp.starttls()
        if settings["username"]:
            smtp.login(settings["username"], settings["password"] or "")
        smtp.send_message(message)


def _deliver(settings, payload):
    try:
        send_email(settings, payload["to"], payload["subject"], payload["body"])
        log.info("email %r sent to %s", payload["subject"], payload["to"])
    except Exception:  # noqa: BLE001 - the order stands; the mail is lost and logged
        log.exception("email %r to %s failed", payload["subject"], payload["to"])


@subscribe("notification_email")
def email_after_commit(payload):
    if not has_app_context():
        log.warning("no app context: email %r to %s not sent", payload["subject"], payload["to"])
        return
    settings = mail_settings(current_app.config)
    if not settings["server"]:
        log.info("MAIL_SERVER not set: email %r to %s not sent", payload["subject"], payload["to"])
        return
    # Off the request: a slow mail server must not hold up an IPN answer.
    # (A plain thread is a greenlet under gevent's monkey-patching.)
    threading.Thread(target=_deliver, args=(settings, payload), daemon=True).start()
