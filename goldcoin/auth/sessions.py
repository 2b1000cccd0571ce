"""Login sessions that end when the member logs out.

Flask's session is a signed cookie: copied before logout, it would stay valid
until it expires, and so would the remember-me cookie. So every login opens a
`MemberSession` row, Flask-Login's user id is "<user id>:<token>", and loading
a member checks that the row is still open. Logging out ends that row; "log
out everywhere" and a password change end every row of the member.
"""
import hashlib
import secrets

from sqlalchemy import select, update

from goldcoin.core.time import utcnow

from .models import MemberSession, User


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session, user):
    """Start a login for `user`; afterwards `user.get_id()` names it."""
    token = secrets.token_urlsafe(32)
    session.add(MemberSession(user_id=user.id, token_hash=_hash(token)))
    session.flush()
    user.session_token = token
    return token


def load_session_user(session, login_id):
    """The member of an open login session "<user id>:<token>", else None."""
    user_id, _, token = (login_id or "").partition(":")
    if not user_id.isdigit() or not token:
        return None  # a bare id (a cookie from before sessions existed) no longer logs in
    user = session.scalar(
        select(User)
        .join(MemberSession, MemberSession.user_id == User.id)
        .where(User.id == int(user_id), MemberSession.token_hash == _hash(token), MemberSession.ended_at.is_(None))
    )
    if user is not None:
        user.session_token = token
    return user


def end_session(session, user):
    """End the login `user` was loaded for (logout)."""
    if user.session_token:
        session.execute(
            update(MemberSession)
            .where(MemberSession.token_hash == _hash(user.session_token), MemberSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )


def end_all_sessions(session, user_id):
    """End every login of the member (log out everywhere, a new password)."""
    return session.execute(
        update(MemberSession)
        .where(MemberSession.user_id == user_id, MemberSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    ).rowcount
