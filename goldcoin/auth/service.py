"""Members and tokens: registration, credentials, roles."""
import hashlib
import re
import secrets

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from goldcoin.ledger import open_wallet
from goldcoin.ledger.models import utcnow

from .errors import AuthError
from .models import ROLES, ApiToken, User

USERNAME_RE = re.compile(r"^[A-Za-z0-9_]{3,32}$")
MIN_PASSWORD = 8
TOKEN_SCOPES = ("events", "admin")


def normalize_email(email):
    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise AuthError(_("That email address is not valid: %(exc)s", exc=exc), "email") from None


def check_new_credentials(session, username, email, password):
    if not isinstance(username, str) or not USERNAME_RE.match(username):
        raise AuthError(_("Username: 3 to 32 letters, digits or underscores."), "username")
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise AuthError(_("Password: at least %(min_password)s characters.", min_password=MIN_PASSWORD), "password")
    if not isinstance(email, str):
        raise AuthError(_("Email is required."), "email")
    email = normalize_email(email)
    if session.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
        raise AuthError(_("That username is taken."), "username", "conflict")
    if session.scalar(select(User.id).where(User.email == email)):
        raise AuthError(_("That email is already registered."), "email", "conflict")
    return email


def register_member(session, username, email, password, role="member"):
    """Create a member with a wallet. Flushes; the caller commits."""
    email = check_new_credentials(session, username, email, password)
    if role not in ROLES:
        raise AuthError(_("Unknown role %(role)s.", role=repr(role)), "role")
    user = User(
        username=username,
        email=email,
        password_hash=generate_password_hash(password),
        role=role,
    )
    session.add(user)
    session.flush()
    open_wallet(session, user.id)
    return user


def authenticate(session, username, password):
    """The member with these credentials, or None. Same answer for unknown user
    and wrong password, so that usernames cannot be probed."""
    if not isinstance(username, str) or not isinstance(password, str):
        return None
    user = session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password)  # spend the same time
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    return user


_DUMMY_HASH = generate_password_hash("not-a-real-password")


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session, name, scope, created_by_id=None):
    """Create a Bearer token; returns (ApiToken, plaintext). The plaintext is not stored."""
    if scope not in TOKEN_SCOPES:
        raise AuthError(_("Scope must be one of %(value)s.", value=', '.join(TOKEN_SCOPES)), "scope")
    plaintext = "gc_" + secrets.token_urlsafe(32)
    token = ApiToken(name=name, scope=scope, token_hash=hash_token(plaintext), created_by_id=created_by_id)
    session.add(token)
    session.flush()
    return token, plaintext


def token_for(session, plaintext):
    """The active token matching `plaintext`, or None."""
    if not plaintext:
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(plaintext)))
    if token is None or not token.active:
        return None
    return token


def revoke_token(session, token_id):
    token = session.get(ApiToken, token_id)
    if token is not None and token.revoked_at is None:
        token.revoked_at = utcnow()
    return token
