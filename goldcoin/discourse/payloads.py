"""Reading the parts of Discourse's webhook bodies Gold Coin relies on.

The shapes are Discourse's serializers (discourse/discourse):
- post (`post_*` events, and the body of discourse-solved's `solved` events):
  WebHookPostSerializer < PostSerializer < BasicPostSerializer:
  `id`, `user_id`, `username`, `topic_id`, `post_number`, `topic_title`,
  `trust_level`;
- like (`post_liked`): WebHookLikeSerializer: `{post: <post>, user: <BasicUser>}`;
- user (`user_*` events): WebHookUserSerializer < UserSerializer: `id`,
  `username`, `created_at`, `last_posted_at`, `trust_level`, `staged`,
  `invited_by` (a BasicUser);
- topic (`topic_*` events): WebHookTopicViewSerializer: `id`, `title`.

Required fields missing or of the wrong type are a MalformedDelivery (400);
an optional field that cannot be read is treated as absent.
"""
from datetime import datetime, timezone
from typing import NamedTuple

from goldcoin.core.schemas import bad_text_reason

from .errors import MalformedDelivery

_BIGINT = 2**63


class ForumUser(NamedTuple):
    id: int
    username: str
    created_at: datetime | None = None
    trust_level: int | None = None
    staged: bool = False
    invited_by: "ForumUser | None" = None
    # The forum's own record that the account has posted (UserCardSerializer).
    last_posted_at: datetime | None = None


class ForumPost(NamedTuple):
    id: int
    topic_id: int
    post_number: int | None
    author: ForumUser
    topic_title: str


class ForumTopic(NamedTuple):
    id: int
    title: str


def _object(data, what):
    if not isinstance(data, dict):
        raise MalformedDelivery(f"'{what}' must be a JSON object.")
    return data


def _id(data, name, what):
    value = data.get(name)
    # bool is an int in Python; a JSON true is not an id.
    if isinstance(value, bool) or not isinstance(value, int) or not -_BIGINT < value < _BIGINT:
        raise MalformedDelivery(f"'{what}.{name}' is required and must be an integer.")
    return value


def _optional_int(data, name):
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not -_BIGINT < value < _BIGINT:
        return None
    return value


def _name(data, name, what, max_length=60):
    value = data.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > max_length or bad_text_reason(value):
        raise MalformedDelivery(
            f"'{what}.{name}' is required and must be a non-empty string of at most {max_length} characters.")
    return value.strip()


def clean_text(value, max_length):
    """A display text (a topic title) made safe to store: control characters
    and unencodable characters dropped, cut to `max_length`."""
    if not isinstance(value, str):
        return ""
    kept = []
    for char in value:
        if char < " " or "\ud800" <= char <= "\udfff":
            continue
        kept.append(char)
    return "".join(kept).strip()[:max_length]


def _timestamp(value):
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=timezone.utc) if parsed.tzinfo is None else parsed.astimezone(timezone.utc)


def user_from(data, what="user"):
    """A forum member from a BasicUser or a full user payload."""
    data = _object(data, what)
    invited = data.get("invited_by")
    invited_by = None
    if isinstance(invited, dict) and invited.get("id") is not None:
        invited_by = user_from(invited, f"{what}.invited_by")
    return ForumUser(
        id=_id(data, "id", what),
        username=_name(data, "username", what),
        created_at=_timestamp(data.get("created_at")),
        trust_level=_optional_int(data, "trust_level"),
        staged=data.get("staged") is True,
        invited_by=invited_by,
        last_posted_at=_timestamp(data.get("last_posted_at")),
    )


def post_from(data, what="post"):
    """A post payload; its author comes from the post's own `user_id` and `username`."""
    data = _object(data, what)
    author = ForumUser(
        id=_id(data, "user_id", what),
        username=_name(data, "username", what),
        trust_level=_optional_int(data, "trust_level"),
    )
    return ForumPost(
        id=_id(data, "id", what),
        topic_id=_id(data, "topic_id", what),
        post_number=_optional_int(data, "post_number"),
        author=author,
        topic_title=clean_text(data.get("topic_title"), 120),
    )


def like_from(data):
    """(post, liker) of a `post_liked` payload."""
    data = _object(data, "like")
    return post_from(data.get("post"), "like.post"), user_from(data.get("user"), "like.user")


def topic_from(data):
    data = _object(data, "topic")
    return ForumTopic(id=_id(data, "id", "topic"), title=clean_text(data.get("title"), 120))


def is_system(forum_user):
    """Discourse's own accounts (system, discobot) have ids below 1: they are
    nobody's wallet."""
    return forum_user.id < 1
