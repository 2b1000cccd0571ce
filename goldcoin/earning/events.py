"""Activity events from an existing forum: POST /api/v1/events (API.md).

Each event id is stored once (unique), so a replayed event pays nothing;
members are mapped by the forum's external_id and created on first sight.
The same award() as the built-in pages applies rules, boosters and caps.
"""
import json
import re
import secrets
from typing import NamedTuple

from flask_babel import gettext as _
from marshmallow import INCLUDE, ValidationError, validates_schema
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from goldcoin.auth.models import User
from goldcoin.core.schemas import Identifier, Int, Nested, Schema, Text, one_of
from goldcoin.ledger import open_wallet

from .errors import EventError
from .models import ExternalEvent, ExternalMember
from .service import award, get_rule
from .settings import EVENT_AMOUNT_CEILING, EVENT_TYPES, event_max_key, get_int

# The most any event pays (a bounty, a prize): the size of the largest admin
# adjustment. Without a bound, two events of 2**62 overflow 64-bit balances.
# Each type's own maximum (a setting, `event_max.<type>`) is at most this.
MAX_EVENT_AMOUNT = EVENT_AMOUNT_CEILING


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


class EventUserIn(Schema):
    external_id = Identifier(required=True, max_length=120, metadata={"description": "The forum's member id."})
    username = Text(required=True, metadata={"description": "The forum's username; ours is derived from it."})


class EventIn(Schema):
    """A forum event (API.md, "Activity events")."""

    class Meta:
        # The forum may send more than we read: it is kept with the event as sent.
        unknown = INCLUDE

    id = Identifier(required=True, max_length=120,
                    metadata={"description": "The forum's event id: the same id twice pays once."})
    type = Text(required=True, validate=[one_of(EVENT_TYPES)])
    user = Nested(EventUserIn, required=True)
    object_id = Identifier(required=True, max_length=120, metadata={
        "description": "The post, EA, solution, bounty or challenge; for member.referred, the referred member."})
    upvotes = Int(minimum=0, load_default=None,
                  metadata={"description": "post.upvoted (required there): the post's current count."})
    amount = Int(minimum=0, maximum=MAX_EVENT_AMOUNT, load_default=None,
                 metadata={"description": "bounty.awarded (required there) and challenge.won: the coins."})

    @validates_schema
    def _fields_of_its_type(self, data, **kwargs):
        needed = {"post.upvoted": "upvotes", "bounty.awarded": "amount"}.get(data.get("type"))
        if needed and data.get(needed) is None:
            raise ValidationError(f"is required for a {data['type']} event.", needed)


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


def check_event_amount(session, event):
    """An `amount` beyond its type's configured maximum is refused (400), not
    paid and not recorded: a forum that was compromised, or that has a bug,
    cannot mint more than an admin allowed per event."""
    amount = event.get("amount")
    if amount is None:
        return
    ceiling = get_int(session, event_max_key(event["type"]))
    if amount > ceiling:
        raise EventError(_("'amount' must be at most %(ceiling)s for a %(type)s event (the setting %(setting)s).",
                           ceiling=ceiling, type=event["type"], setting=event_max_key(event["type"])))


def process_event(session, event, now=None):
    """Record once, and pay, one forum event as EventIn loads it; returns EventOutcome."""
    check_event_amount(session, event)
    first = session.scalar(select(ExternalEvent).where(ExternalEvent.event_id == event["id"]))
    if first is not None:
        return EventOutcome(first.event_id, first.awarded, first.reason, True)
    user_id = member_for(session, event["user"]["external_id"], event["user"]["username"])
    try:
        with session.begin_nested():
            record = ExternalEvent(
                event_id=event["id"], type=event["type"], user_id=user_id, object_id=event["object_id"],
                payload=json.dumps(event, sort_keys=True, default=str)[:4000],
            )
            session.add(record)
            session.flush()
            awarded, reason = _pay(session, user_id, event, now)
            record.awarded, record.reason = awarded, reason
    except IntegrityError:
        # The same event id was recorded concurrently: it paid there.
        first = session.scalar(select(ExternalEvent).where(ExternalEvent.event_id == event["id"]))
        if first is None:
            raise
        return EventOutcome(first.event_id, first.awarded, first.reason, True)
    return EventOutcome(record.event_id, awarded, reason, False)
