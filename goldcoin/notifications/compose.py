"""A notification's email: subject, plain text and HTML, with a link back and
a signed link that stops emails of its kind (unsubscribe), which its
List-Unsubscribe header names too.

Worded in the current locale: notify() calls it inside force_locale() with
the member's language. Links are absolute, built from GOLDCOIN_PUBLIC_URL
(the mail is read far from any request).
"""
from email.utils import make_msgid
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _

from goldcoin.i18n import HTML_LANG, current_language

from .unsubscribe import one_click_path, page_path

SETTINGS_PATH = "/notifications/email"  # the member's email settings page (views)
SUBJECT_TEXT = 120  # characters of the notification's text in a subject it names


def _absolute(path):
    if path and urlsplit(path).scheme:
        return path
    return current_app.config["GOLDCOIN_PUBLIC_URL"].rstrip("/") + (path or "/notifications")


def _shorten(text, limit):
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def compose(text, url, subject=None, body=None, unsubscribe=None):
    """{"subject", "body", "html", "message_id", "list_unsubscribe"} of the
    email telling `text`. `subject` and `body` (already worded) replace the
    defaults drawn from `text`; `unsubscribe`, (user_id, kind), adds the link
    that stops that member's emails of that kind."""
    subject = subject or _("Gold Coin: %(what)s", what=_shorten(text, SUBJECT_TEXT))
    body = (body or text).strip()
    context = {
        "subject": subject,
        "body": body,
        "paragraphs": [p for p in body.split("\n") if p.strip()],
        "link": _absolute(url),
        "settings_link": _absolute(SETTINGS_PATH),
        "unsubscribe_link": _absolute(page_path(*unsubscribe)) if unsubscribe else None,
        "lang": HTML_LANG[current_language()],
    }
    # The app's Jinja environment without the request's context processors
    # (the bell, the member): a command or another member's request sends it.
    env = current_app.jinja_env
    domain = urlsplit(context["link"]).hostname or "goldcoin.local"
    return {
        "subject": subject[:255],
        "body": env.get_template("notifications/email.txt").render(context),
        "html": env.get_template("notifications/email.html").render(context),
        "message_id": make_msgid(domain=domain),
        # Built now with the body that shows the same link: the sender only
        # copies it into the header, needing neither the kind nor the key.
        "list_unsubscribe": _absolute(one_click_path(*unsubscribe)) if unsubscribe else None,
    }
