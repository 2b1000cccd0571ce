"""One-click unsubscribe: a signed link per member and kind in every notification email.

The token is the member's id and the kind, signed with the app's SECRET_KEY
under a salt of its own (itsdangerous), so no other signed value of the site
(the session, a CSRF token) can pass for one and no one can write one for
another member or kind. It does not expire: an old email's link still works,
and what it does (stop one kind of email) is harmless to repeat.
"""
from flask import current_app
from itsdangerous import BadData, URLSafeSerializer

from .preferences import KINDS

SALT = "goldcoin.notifications.unsubscribe"
PAGE_PATH = "/notifications/unsubscribe/<token>"  # the page the email's "Stop emails like this" opens (views)
ONE_CLICK_PATH = PAGE_PATH + "/one-click"  # List-Unsubscribe: what a mail client POSTs to (RFC 8058)


def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def unsubscribe_token(user_id, kind):
    return _serializer().dumps([user_id, kind])


def page_path(user_id, kind):
    return PAGE_PATH.replace("<token>", unsubscribe_token(user_id, kind))


def one_click_path(user_id, kind):
    return ONE_CLICK_PATH.replace("<token>", unsubscribe_token(user_id, kind))


def read_token(token):
    """(user_id, kind) the token names, or None when it is not one we signed
    (forged, altered, another salt or key) or names no kind we know."""
    try:
        data = _serializer().loads(token)
    except BadData:
        return None
    if not (isinstance(data, list) and len(data) == 2):
        return None
    user_id, kind = data
    if type(user_id) is not int or kind not in KINDS:
        return None
    return user_id, kind
