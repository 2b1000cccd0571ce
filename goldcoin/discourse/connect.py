"""Signing in with the forum account: DiscourseConnect with Discourse as the
identity provider (discourse/discourse: SessionController#sso_provider,
lib/second_factor/actions/discourse_connect_provider.rb, lib/discourse_connect_base.rb).

1. `begin`: a fresh nonce is stored (and kept in the browser's session by the
   view); the member goes to `<forum>/session/sso_provider?sso=<base64 of
   nonce & return_sso_url>&sig=<hex HMAC-SHA256 of that base64>`.
2. The forum signs them in and sends them back to `return_sso_url` with its
   own signed payload: the same nonce plus `external_id` (the forum user id),
   `username`, `email`, `name`, `admin`, `moderator`, `groups`, ...
3. `finish`: the signature is checked, the nonce must be the one this browser
   was given, unused and fresh; it is then spent (one conditional UPDATE), and
   the member matched by the forum user id is returned, created on first sight.

Forum staff flags are not Gold Coin roles: an admin of the forum is a member here.
"""
import secrets
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from goldcoin.auth.errors import AuthError
from goldcoin.auth.models import User
from goldcoin.auth.service import normalize_email
from goldcoin.core.time import utc

from .errors import ConnectRefused
from .members import member
from .models import ConnectNonce
from .payloads import ForumUser, is_system
from .signature import connect_fields, connect_payload

NONCE_TTL = timedelta(minutes=10)  # Discourse's own nonce_expiry_time
DEFAULT_RETURN = "/profile"


def safe_return_path(target, default=DEFAULT_RETURN):
    """Only a path on this site (no open redirect): "/store" yes;
    "https://evil", "//evil", "/\\evil" (browsers read "\\" as "/") no."""
    if not isinstance(target, str) or not target or len(target) > 500:
        return default
    if not target.startswith("/") or target.startswith("//") or any(c in target for c in "\\\r\n\t\x00"):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or parts.path.startswith("/login/discourse"):
        return default
    return target


def begin(session, *, secret, forum_url, return_sso_url, return_path, now=None):
    """Start a sign-in; returns (the forum URL to send the member to, the nonce)."""
    now = utc(now)
    nonce = secrets.token_urlsafe(32)
    session.add(ConnectNonce(nonce=nonce, return_path=safe_return_path(return_path), created_at=now))
    session.flush()
    sso, sig = connect_payload(secret, {"nonce": nonce, "return_sso_url": return_sso_url})
    return f"{forum_url}/session/sso_provider?{urlencode({'sso': sso, 'sig': sig})}", nonce


def _spend_nonce(session, nonce, expected, now):
    """Claim the nonce once; returns its row or refuses."""
    if not nonce or not expected or not secrets.compare_digest(nonce.encode(), expected.encode()):
        raise ConnectRefused(_("This sign-in was not started in this browser. Please try again from the login page."))
    claimed = session.execute(
        update(ConnectNonce).where(ConnectNonce.nonce == nonce, ConnectNonce.used_at.is_(None)).values(used_at=now),
        execution_options={"synchronize_session": False},
    ).rowcount
    row = session.scalar(select(ConnectNonce).where(ConnectNonce.nonce == nonce))
    if row is None:
        raise ConnectRefused(_("This sign-in is unknown. Please try again from the login page."))
    if not claimed:
        raise ConnectRefused(_("This sign-in link was used already. Please try again from the login page."))
    # Compared in Python: SQLite keeps naive datetimes, PostgreSQL aware ones.
    if row.created_at < now - NONCE_TTL:
        raise ConnectRefused(_("This sign-in took too long. Please try again from the login page."))
    return row


def _set_email_if_free(session, user_id, email):
    """Give a member created by the forum the forum's address, unless another
    member has it (a local account is never taken over by email)."""
    try:
        email = normalize_email(email)
    except AuthError:  # an address our own sign-up would refuse: keep none
        return
    if not email or len(email) > 254 or session.scalar(select(User.id).where(func.lower(User.email) == email.lower())):
        return
    try:
        with session.begin_nested():
            session.get(User, user_id).email = email
            session.flush()
    except IntegrityError:
        pass  # taken meanwhile


def finish(session, *, secret, sso, sig, expected_nonce, now=None):
    """Check the forum's answer; returns (member id, where to go next)."""
    now = utc(now)
    fields = connect_fields(secret, sso, sig)
    row = _spend_nonce(session, fields.get("nonce"), expected_nonce, now)
    if fields.get("failed") == "true":
        raise ConnectRefused(_("The forum did not sign you in."))
    raw_id, username = fields.get("external_id", ""), (fields.get("username") or "").strip()
    if not raw_id.isdigit() or len(raw_id) > 18 or not username or len(username) > 60 or "\x00" in username:
        raise ConnectRefused(_("The forum's answer lacks the account's id or username."))
    forum_user = ForumUser(id=int(raw_id), username=username)
    if is_system(forum_user):
        raise ConnectRefused(_("The forum's system accounts cannot sign in here."))
    result = member(session, forum_user, rename=True)
    if result.created and fields.get("email"):
        _set_email_if_free(session, result.user_id, fields["email"])
    return result.user_id, row.return_path
