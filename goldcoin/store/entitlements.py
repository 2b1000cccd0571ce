"""What a member may do, asked by the rest of the app. Checked on the server.

An entitlement counts while `expires_at` is None or in the future; pass
`now=` to ask about another moment (tests, previews).
"""
import re
from datetime import timedelta
from typing import NamedTuple

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update

from goldcoin.core.time import utc

from .errors import InvalidTitle, NotEntitled
from .models import BADGE, CONTENT_ACCESS, GROUP, PRIVILEGE, TITLE, Entitlement, MemberTitle

COMMERCIAL_POSTING = "commercial_posting"
START_BOUNTY = "start_bounty"
VIP = "vip"
# What each code unlocks. A reward or entitlement may only name one of these:
# a privilege or group no code asks about would be sold and unlock nothing.
# (Badges are names shown next to posts: any name is one.)
PRIVILEGES = {
    COMMERCIAL_POSTING: _l("Post in commercial sections"),
    START_BOUNTY: _l("Start bounties on questions"),
}
GROUPS = {
    VIP: _l("The VIP section (/vip)"),
}


def check_code(kind, code):
    """Refuse a privilege or group code the app does not know (InvalidReward)."""
    from .errors import InvalidReward

    known = {PRIVILEGE: PRIVILEGES, GROUP: GROUPS}.get(kind)
    if known is not None and code not in known:
        raise InvalidReward(_("Unknown %(kind)s %(code)s: the app knows %(known)s.", kind=kind, code=repr(code),
                              known=", ".join(sorted(known))))


def _active(session, user_id, kind, code=None, now=None, any_code=False):
    stmt = select(Entitlement).where(
        Entitlement.user_id == user_id,
        Entitlement.kind == kind,
        or_(Entitlement.expires_at.is_(None), Entitlement.expires_at > utc(now)),
    )
    if not any_code:
        stmt = stmt.where(Entitlement.code.is_(None) if code is None else Entitlement.code == code)
    return stmt


def _holds(session, user_id, kind, code=None, now=None, any_code=False):
    if user_id is None:
        return False
    return session.scalar(_active(session, user_id, kind, code, now, any_code).limit(1)) is not None


def has_privilege(session, user_id, code, now=None):
    """e.g. has_privilege(s, uid, "commercial_posting") or "start_bounty"."""
    return _holds(session, user_id, PRIVILEGE, code, now)


def has_content_access(session, user_id, now=None):
    """Premium EAs and exclusive content are open to this member."""
    return _holds(session, user_id, CONTENT_ACCESS, None, now, any_code=True)


def in_group(session, user_id, group, now=None):
    return _holds(session, user_id, GROUP, group, now)


def has_title_right(session, user_id, now=None):
    return _holds(session, user_id, TITLE, None, now, any_code=True)


def title_and_badges(session, user_id, now=None):
    """(title or None, [badge names]) of the member, counting only live entitlements."""
    title = None
    if has_title_right(session, user_id, now):
        title = session.scalar(select(MemberTitle.title).where(MemberTitle.user_id == user_id))
    badges = session.scalars(
        _active(session, user_id, BADGE, now=now, any_code=True)
        .with_only_columns(Entitlement.code)
        .distinct()
        .order_by(Entitlement.code)
    ).all()
    return title, [b for b in badges if b]


class Marks(NamedTuple):
    """What the store lets a member show next to their name."""

    title: str | None
    badges: tuple
    vip: bool


def marks_of(session, user_ids, now=None):
    """{user id: Marks} for many members at once (a thread's authors): three
    queries, whatever the number of posts."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    live = [Entitlement.user_id.in_(ids), or_(Entitlement.expires_at.is_(None), Entitlement.expires_at > utc(now))]
    rows = session.execute(select(Entitlement.user_id, Entitlement.kind, Entitlement.code).where(
        *live, Entitlement.kind.in_((TITLE, BADGE, GROUP))).distinct()).all()
    titled = {uid for uid, kind, _ in rows if kind == TITLE}
    titles = dict(session.execute(select(MemberTitle.user_id, MemberTitle.title)
                                  .where(MemberTitle.user_id.in_(titled))).all()) if titled else {}
    badges, vip = {}, set()
    for uid, kind, code in rows:
        if kind == BADGE and code:
            badges.setdefault(uid, set()).add(code)
        elif kind == GROUP and code == VIP:
            vip.add(uid)
    return {uid: Marks(titles.get(uid), tuple(sorted(badges.get(uid, ()))), uid in vip) for uid in ids}


def members_of_group(session, group, now=None):
    """User ids holding a live membership of `group`."""
    return session.scalars(
        select(Entitlement.user_id)
        .where(Entitlement.kind == GROUP, Entitlement.code == group)
        .where(or_(Entitlement.expires_at.is_(None), Entitlement.expires_at > utc(now)))
        .distinct()
    ).all()


def groups_of(session, user_id, now=None):
    return sorted(
        set(session.scalars(_active(session, user_id, GROUP, now=now, any_code=True).with_only_columns(Entitlement.code)))
    )


def expiry_of(session, user_id, kind, code=None, now=None, any_code=None):
    """(held, expires_at) of a live entitlement; expires_at None means for good."""
    if any_code is None:
        any_code = kind in (CONTENT_ACCESS, TITLE, "booster")
    rows = session.scalars(
        _active(session, user_id, kind, code, now, any_code=any_code).with_only_columns(Entitlement.expires_at)
    ).all()
    if not rows:
        return False, None
    if any(r is None for r in rows):
        return True, None
    return True, max(rows)


def grant(session, user_id, kind, code=None, duration_days=None, redemption_id=None, now=None):
    """Add an entitlement. A timed one that is already held is extended:
    it starts when the current one ends."""
    now = utc(now)
    expires_at = None
    if duration_days:
        current = session.scalar(
            select(func.max(Entitlement.expires_at)).where(
                Entitlement.user_id == user_id,
                Entitlement.kind == kind,
                Entitlement.code.is_(None) if code is None else Entitlement.code == code,
                Entitlement.expires_at > now,
            )
        )
        start = max(now, current) if current is not None else now
        expires_at = start + timedelta(days=duration_days)
    entitlement = Entitlement(
        user_id=user_id, kind=kind, code=code, expires_at=expires_at, redemption_id=redemption_id
    )
    session.add(entitlement)
    session.flush()
    return entitlement


def end_for_redemption(session, redemption_id, now=None):
    """End now whatever a redemption granted (it was refunded)."""
    now = utc(now)
    session.execute(
        update(Entitlement)
        .where(Entitlement.redemption_id == redemption_id,
               or_(Entitlement.expires_at.is_(None), Entitlement.expires_at > now))
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )


TITLE_MIN, TITLE_MAX = 2, 32
# Letters and digits of any script, spaces and a little punctuation; no markup.
_TITLE_RE = re.compile(r"^[\w .,'!&()+#-]+$")


def clean_title(text):
    if not isinstance(text, str):
        raise InvalidTitle(_("A title is text."))
    text = " ".join(text.split())
    if not TITLE_MIN <= len(text) <= TITLE_MAX:
        raise InvalidTitle(_("A title has %(title_min)s to %(title_max)s characters.", title_min=TITLE_MIN, title_max=TITLE_MAX))
    if not _TITLE_RE.match(text) or "_" in text:
        raise InvalidTitle(_("A title may use letters, digits, spaces and . , ' ! & ( ) + # - only."))
    return text


def set_title(session, user_id, text, now=None):
    """Set the member's custom title; needs a live title entitlement."""
    if not has_title_right(session, user_id, now):
        raise NotEntitled(_("Redeem a custom title in the store first."))
    text = clean_title(text)
    row = session.get(MemberTitle, user_id)
    if row is None:
        session.add(MemberTitle(user_id=user_id, title=text))
    else:
        row.title = text
    session.flush()
    return text
