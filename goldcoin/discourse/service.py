"""Receiving one Discourse webhook delivery: verify, record once, act.

Headers (discourse/discourse, app/jobs/regular/emit_web_hook_event.rb):
`X-Discourse-Event-Signature` (sha256=<hex HMAC of the raw body>),
`X-Discourse-Event-Type` (the payload's kind, also the body's only key:
`{"like": {...}}`), `X-Discourse-Event` (the event name, e.g. post_liked),
`X-Discourse-Event-Id` (the forum's id of this delivery) and
`X-Discourse-Instance` (the forum's base URL). A ping is type and event
`ping` with the body `{"ping": "OK"}`.

A delivery is recorded once per (instance, event id); a second delivery of
the same id answers the first one's outcome and moves nothing. Discourse
gives a retried delivery a new event id, which is why every award and
clawback is also keyed by its cause (the post or topic), never by the event.
"""
import json
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from goldcoin.core.time import utcnow

from . import deletions, likes, members, solutions
from .errors import ForgedDelivery, MalformedDelivery, NotConfigured, OtherForum
from .models import DiscourseEvent
from .outcome import Outcome
from .settings import delivery_instance, honours, instance_url
from .signature import webhook_is_authentic

HANDLERS = {
    "post_liked": likes.on_like,
    "accepted_solution": solutions.on_accepted,
    "unaccepted_solution": solutions.on_unaccepted,
    "post_destroyed": deletions.on_post_destroyed,
    "topic_destroyed": deletions.on_topic_destroyed,
    "user_created": members.on_user,
    "user_updated": members.on_user,
}

PAYLOAD_KEPT = 4000  # characters of an acted-on body kept for the admin


class Delivery(NamedTuple):
    raw: bytes
    signature: str | None
    event_type: str | None
    event_name: str | None
    event_id: str | None
    instance: str | None


class Answer(NamedTuple):
    event_id: str
    event: str
    status: str
    coins: int
    detail: str
    replayed: bool


def _header(value, name, max_length):
    value = (value or "").strip()
    if not value:
        raise MalformedDelivery(f"The {name} header is missing.")
    if len(value) > max_length or not value.isprintable():
        raise MalformedDelivery(f"The {name} header is not a short printable text.")
    return value


def _body(raw, event_type):
    """The JSON object under the body's key (the event type)."""
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        raise MalformedDelivery("The body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise MalformedDelivery("The body must be a JSON object.")
    section = body.get(event_type)
    if section is None and len(body) == 1:
        section = next(iter(body.values()))  # a plugin naming its payload differently
    if not isinstance(section, dict):
        raise MalformedDelivery(f"The body has no '{event_type}' object.")
    return section


def _act(session, event_type, event_name, raw, now):
    """What the delivery does, as an Outcome, and whether its body is kept."""
    if event_name == "ping" or event_type == "ping":
        return Outcome("ping", detail="the forum reached Gold Coin"), True
    handler = HANDLERS.get(event_name)
    if handler is None:
        return Outcome("ignored", detail="Gold Coin does not act on this event"), False
    if not honours(session, event_name):
        return Outcome("not_honoured", detail="switched off in Discourse settings"), False
    return handler(session, _body(raw, event_type), event_name=event_name, now=now), True


def _kept(raw):
    # NUL is refused by PostgreSQL's text type; JSON never needs it raw.
    return raw.decode("utf-8", "replace").replace("\x00", "")[:PAYLOAD_KEPT]


def _recorded(session, instance, event_id):
    return session.scalar(
        select(DiscourseEvent).where(DiscourseEvent.instance == instance, DiscourseEvent.event_id == event_id)
    )


def _replay(first):
    return Answer(first.event_id, first.event_name, first.status, first.coins, first.detail, True)


def receive(session, delivery, *, secret, default_instance="", now=None):
    """Verify and apply one delivery; returns its Answer. Refuses (raises) a
    forged or malformed one without writing anything."""
    if not secret:
        raise NotConfigured("DISCOURSE_WEBHOOK_SECRET is not set on this site, so no delivery can be trusted.")
    if not webhook_is_authentic(secret, delivery.raw, delivery.signature):
        raise ForgedDelivery("X-Discourse-Event-Signature does not match the body signed with the configured secret.")
    event_type = _header(delivery.event_type, "X-Discourse-Event-Type", 40)
    event_name = _header(delivery.event_name or event_type, "X-Discourse-Event", 60)
    event_id = _header(delivery.event_id, "X-Discourse-Event-Id", 64)
    configured = instance_url(session, default_instance)
    instance = delivery_instance(delivery.instance) if delivery.instance else configured
    if configured and instance != configured:
        raise OtherForum(f"This delivery comes from {instance}, not from the configured forum {configured}.")

    first = _recorded(session, instance, event_id)
    if first is not None:
        return _replay(first)
    now = now or utcnow()
    try:
        with session.begin_nested():
            # Recorded before acting: a concurrent delivery of the same id
            # waits on this row's unique key and then answers as a replay.
            record = DiscourseEvent(instance=instance, event_id=event_id, event_type=event_type,
                                    event_name=event_name, status="received", received_at=now)
            session.add(record)
            session.flush()
            outcome, keep_body = _act(session, event_type, event_name, delivery.raw, now)
            record.status, record.coins, record.user_id = outcome.status, outcome.coins, outcome.user_id
            record.object_key, record.detail = outcome.object_key[:120], outcome.detail[:255]
            record.payload = _kept(delivery.raw) if keep_body else ""
            session.flush()
    except IntegrityError:
        first = _recorded(session, instance, event_id)
        if first is None:
            raise
        return _replay(first)
    return Answer(event_id, event_name, record.status, record.coins, record.detail, False)
