"""Activity events from an existing forum: POST /api/v1/events (API.md).

Each event id is stored once (unique), so a replayed event pays nothing;
members are mapped by the forum's external_id and created on first sight.
The same award() as the built-in pages applies rules, boosters and caps.
"""
import json
import re
import secrets
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from goldcoin.auth.models import User
from goldcoin.ledger import open_wallet

from .errors import EventError
from .models import ExternalEvent, ExternalMember
from .service import award, get_rule

EVENT_TYPES = ("post.upvoted", "ea.verified", "solution.accepted", "bounty.awarded", "challenge.won", "member.referred")


class EventOutcome(NamedTuple):
    event_id: str
    awarded: int
    reason: str
    replayed: bool


def _username_for(session, wanted):
    base = re.sub(r"[^A-Za-z0-9_]", "_", wanted or "")[:24].strip("_") or "member"
    if len(base) < 3:
        base = (base + "___")[:3]
    name = base
    while session.scalar(select(User.id).where(func.lower(User.username) == name.lower())):
        name = f"{base}_{secrets.token_hex(3)}"
    return name


def member_for(session, external_id, username):
    """The local member of a forum member, created (without password) on first sight."""
    user_id = session.scalar(select(ExternalMember.user_id).where(ExternalMember.external_id == external_id))
    if user_id is not None:
        return user_id
    try:
        with session.begin_nested():
            user = User(username=_username_for(session, username), email=None, password_hash=None)
            session.add(user)
            session.flush()
            open_wallet(session, user.id)
            session.add(ExternalMember(external_id=external_id, user_id=user.id))
    except IntegrityError:
        pass  # created concurrently by the same member's other event
    return session.scalar(select(ExternalMember.user_id).where(ExternalMember.external_id == external_id))


def _int_field(data, name, required):
    value = data.get(name)
    if value is None:
        if required:
            raise EventError(f"'{name}' is required for a {data.get('type')} event.")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise EventError(f"'{name}' must be an integer.")
    if value < 0:
        raise EventError(f"'{name}' must not be negative.")
    return value


def _str_field(data, name, max_length=120):
    value = data.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise EventError(f"'{name}' is required and must be a non-empty string.")
    value = value.strip()
    if len(value) > max_length:
        raise EventError(f"'{name}' must be at most {max_length} characters.")
    return value


def validate(data):
    """Check an event's shape; returns the normalized fields or raises EventError."""
    if not isinstance(data, dict):
        raise EventError("The event must be a JSON object.")
    event_id = _str_field(data, "id")
    kind = data.get("type")
    if kind not in EVENT_TYPES:
        raise EventError(f"'type' must be one of {', '.join(EVENT_TYPES)}.")
    user = data.get("user")
    if not isinstance(user, dict):
        raise EventError("'user' must be an object {external_id, username}.")
    external_id = _str_field(user, "external_id")
    username = user.get("username")
    if not isinstance(username, str) or not username.strip():
        raise EventError("'user.username' is required and must be a non-empty string.")
    object_id = _str_field(data, "object_id")
    fields = dict(event_id=event_id, type=kind, external_id=external_id, username=username.strip()[:32], object_id=object_id)
    if kind == "post.upvoted":
        fields["upvotes"] = _int_field(data, "upvotes", True)
    elif kind == "bounty.awarded":
        fields["amount"] = _int_field(data, "amount", True)
    elif kind == "challenge.won":
        fields["amount"] = _int_field(data, "amount", False)
    return fields


def _pay(session, user_id, f, now):
    kind = f["type"]
    if kind == "post.upvoted":
        rule = get_rule(session, "post_quality")
        if f["upvotes"] < (rule.threshold or 0):
            return 0, "below_threshold"
        result = award(session, user_id, "post_quality", object_key=f"ext:post:{f['object_id']}",
                       memo="Quality post (forum)", now=now)
    elif kind == "ea.verified":
        result = award(session, user_id, "ea_verified", object_key=f"ext:ea:{f['object_id']}",
                       memo="Verified EA (forum)", now=now)
    elif kind == "solution.accepted":
        result = award(session, user_id, "solution", object_key=f"ext:solution:{f['object_id']}",
                       memo="Accepted solution (forum)", now=now)
    elif kind == "bounty.awarded":
        result = award(session, user_id, "bounty", object_key=f"ext:bounty:{f['object_id']}",
                       amount=f["amount"], memo="Bounty (forum)", now=now)
    elif kind == "challenge.won":
        result = award(session, user_id, "challenge", object_key=f"ext:challenge:{f['object_id']}",
                       amount=f.get("amount"), memo="Challenge prize (forum)", now=now)
    else:  # member.referred: the event's user referred the member `object_id`
        result = award(session, user_id, "referral", object_key=f"ext:referee:{f['object_id']}",
                       memo="Referral (forum)", now=now)
    return result.paid, result.reason


def process_event(session, data, now=None):
    """Validate, record once, and pay one forum event; returns EventOutcome."""
    f = validate(data)
    first = session.scalar(select(ExternalEvent).where(ExternalEvent.event_id == f["event_id"]))
    if first is not None:
        return EventOutcome(first.event_id, first.awarded, first.reason, True)
    user_id = member_for(session, f["external_id"], f["username"])
    try:
        with session.begin_nested():
            event = ExternalEvent(
                event_id=f["event_id"], type=f["type"], user_id=user_id, object_id=f["object_id"],
                payload=json.dumps(data, sort_keys=True, default=str)[:4000],
            )
            session.add(event)
            session.flush()
            awarded, reason = _pay(session, user_id, f, now)
            event.awarded, event.reason = awarded, reason
    except IntegrityError:
        # The same event id was recorded concurrently: it paid there.
        first = session.scalar(select(ExternalEvent).where(ExternalEvent.event_id == f["event_id"]))
        if first is None:
            raise
        return EventOutcome(first.event_id, first.awarded, first.reason, True)
    return EventOutcome(event.event_id, awarded, reason, False)
