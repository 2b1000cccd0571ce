"""What Gold Coin remembers of a Discourse forum: the deliveries it received,
the forum's members, posts, likes and accepted answers as far as webhooks told
us, the admin's settings, and the DiscourseConnect nonces in flight.

Ids named `discourse_*` / `*_discourse_id` are the forum's own ids; `user_id`
is always a Gold Coin member.
"""
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from goldcoin.core.time import utcnow
from goldcoin.core.types import UtcDateTime
from goldcoin.extensions import db

# The events Gold Coin acts on (X-Discourse-Event), each switchable in the admin.
HONOURABLE_EVENTS = (
    "post_liked",
    "accepted_solution",
    "unaccepted_solution",
    "post_destroyed",
    "topic_destroyed",
    "user_created",
    "user_updated",
)


class DiscourseConfig(db.Model):
    """The admin's settings (one row). Secrets never live here: they come from
    the environment, so a database dump or an admin screen never shows them."""

    __tablename__ = "discourse_config"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Empty: DISCOURSE_URL from the environment applies.
    instance_url: Mapped[str] = mapped_column(String(255), default="", server_default="")
    honour_post_liked: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    honour_accepted_solution: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    honour_unaccepted_solution: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    honour_post_destroyed: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    honour_topic_destroyed: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    honour_user_created: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    honour_user_updated: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    def honours(self, event_name):
        return bool(getattr(self, f"honour_{event_name}", False))

    def __str__(self):
        return "Discourse settings"


class DiscourseEvent(db.Model):
    """One signed delivery, recorded once: (instance, event id) is unique, so a
    delivery seen again answers what it answered the first time."""

    __tablename__ = "discourse_events"
    __table_args__ = (UniqueConstraint("instance", "event_id", name="uq_discourse_events_instance_event"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instance: Mapped[str] = mapped_column(String(255))
    event_id: Mapped[str] = mapped_column(String(64))
    event_type: Mapped[str] = mapped_column(String(40))  # X-Discourse-Event-Type: post, like, solved, user, ping
    event_name: Mapped[str] = mapped_column(String(60), index=True)  # X-Discourse-Event: post_liked, ...
    # paid, below_threshold, self_like, clawed_back, clawback_refused, member_created, ping, ignored, ...
    status: Mapped[str] = mapped_column(String(40), index=True)
    # Coins this delivery moved: positive paid, negative clawed back.
    coins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    object_key: Mapped[str] = mapped_column(String(120), default="", server_default="")
    detail: Mapped[str] = mapped_column(String(255), default="", server_default="")
    payload: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)

    # Read-only, for the admin lists (they show and search the username).
    user = relationship("User", viewonly=True)

    def __repr__(self):
        return f"<DiscourseEvent {self.instance} #{self.event_id} {self.event_name} {self.status}>"


class DiscourseMember(db.Model):
    """What the forum told us about one of its members, beside the Gold Coin
    member it maps to (the mapping itself is earning's ExternalMember,
    external_id "discourse:<id>", shared with the events API)."""

    __tablename__ = "discourse_members"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    discourse_user_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    # The forum username as last applied to the member (a rename compares to it).
    username: Mapped[str] = mapped_column(String(60))
    # When the forum account was created: the "young account" rule ages from it.
    forum_created_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    trust_level: Mapped[int | None] = mapped_column(Integer)
    # Seen as the author of a forum post: activity of their own, for the like rules.
    has_posted: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    # Read-only, for the admin lists (they show and search the username).
    user = relationship("User", viewonly=True)


class DiscoursePost(db.Model):
    """A forum post some delivery was about. Its row is locked while a like is
    counted, so two likes of the same post count one after the other."""

    __tablename__ = "discourse_posts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    topic_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    post_number: Mapped[int | None] = mapped_column(Integer)
    author_discourse_id: Mapped[int] = mapped_column(BigInteger)
    destroyed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class DiscourseLike(db.Model):
    """One member's like of one post: the distinct likers are these rows."""

    __tablename__ = "discourse_likes"
    __table_args__ = (UniqueConstraint("post_id", "liker_discourse_id", name="uq_discourse_likes_post_liker"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(BigInteger, index=True)
    liker_discourse_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class DiscourseSolution(db.Model):
    """The answer a topic has accepted now (discourse-solved), if any."""

    __tablename__ = "discourse_solutions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    topic_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    post_id: Mapped[int | None] = mapped_column(BigInteger)
    answerer_discourse_id: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class ConnectNonce(db.Model):
    """A DiscourseConnect sign-in in flight. Used at most once (a conditional
    UPDATE claims it), and only within a few minutes of being issued."""

    __tablename__ = "discourse_connect_nonces"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    return_path: Mapped[str] = mapped_column(String(500), default="/profile")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
