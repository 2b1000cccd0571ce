from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from goldcoin.core.time import utcnow
from goldcoin.core.types import BigId, UtcDateTime
from goldcoin.extensions import db

MEMBER = "member"
MODERATOR = "moderator"
ADMIN = "admin"
ROLES = (MEMBER, MODERATOR, ADMIN)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('member', 'moderator', 'admin')", name="role_known"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(32), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    # None for members created from a forum's events who never set a password.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=MEMBER, server_default=MEMBER)
    is_banned: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # The member's chosen language ("en", "zh_CN") and IANA time zone; None
    # follows the browser and the site's default (goldcoin.i18n).
    language: Mapped[str | None] = mapped_column(String(8))
    timezone: Mapped[str | None] = mapped_column(String(64))

    @property
    def is_admin(self):
        return self.role == ADMIN

    @property
    def is_moderator(self):
        return self.role in (MODERATOR, ADMIN)

    @property
    def is_active(self):
        # Flask-Login refuses to log in (and logs out) inactive users.
        return not self.is_banned

    # The login session this object was loaded for (see MemberSession); its
    # id is what Flask-Login keeps in the session and the remember cookie.
    session_token = None

    def get_id(self):
        return f"{self.id}:{self.session_token}" if self.session_token else str(self.id)

    def __str__(self):
        return self.username  # how admin lists and forms show a member

    def __repr__(self):
        return f"<User {self.id} {self.username}>"


class ApiToken(db.Model):
    """A server-to-server Bearer token. Only the SHA-256 of the token is kept."""

    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint("scope IN ('events', 'admin')", name="scope_known"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    scope: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    @property
    def active(self):
        return self.revoked_at is None


class MemberSession(db.Model):
    """One login: the session cookie and the remember-me cookie carry its token,
    so ending the row ends both, wherever they were copied. Only the SHA-256 of
    the token is kept."""

    __tablename__ = "member_sessions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
