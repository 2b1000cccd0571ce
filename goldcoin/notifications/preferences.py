"""Which notifications a member also gets by email, by kind.

Every notification reaches the bell and the live push; its kind decides
whether it is emailed too. The defaults: what concerns money a member paid or
an admin's or a moderator's decision comes by email; routine earnings and
daily limits stay on the site.
"""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from goldcoin.auth.models import User
from goldcoin.core.errors import DomainError
from goldcoin.core.sql import insert_once

from .models import EmailPreference

PAYMENTS = "payments"
ADMIN = "admin"
EAS = "eas"
BOUNTIES = "bounties"
CHALLENGES = "challenges"
EARNED = "earned"
CAPPED = "capped"
REVIEW = "review"

# kind -> (what the member reads on the settings page, emailed by default)
KINDS = {
    PAYMENTS: (_l("Recharges: coins credited, or an order not completed"), True),
    ADMIN: (_l("An admin gave you coins or took coins back"), True),
    EAS: (_l("Your EA was verified or not verified"), True),
    BOUNTIES: (_l("Bounties: one you won, or yours refunded when it expired"), True),
    CHALLENGES: (_l("Challenge prizes paid to you"), True),
    EARNED: (_l("Coins earned for posts, answers and referrals"), False),
    CAPPED: (_l("An award paid nothing because you reached a daily limit"), False),
    # Moderators and admins only; the bell tells them, the queue is where they act.
    REVIEW: (_l("Moderators: an EA was submitted or resubmitted for review"), False),
}


# Kinds only staff receive: a member's settings page does not offer them.
STAFF_KINDS = {REVIEW}


def kinds_for(user):
    """The kinds `user` can receive, as KINDS orders them: staff get them all."""
    return {kind: entry for kind, entry in KINDS.items() if user.is_moderator or kind not in STAFF_KINDS}


def email_choices(session, user_id):
    """{kind: emailed?} for every kind, the member's choices over the defaults."""
    chosen = dict(session.execute(
        select(EmailPreference.kind, EmailPreference.enabled).where(EmailPreference.user_id == user_id)
    ).all())
    return {kind: chosen.get(kind, default) for kind, (_label, default) in KINDS.items()}


def save_email_choices(session, user_id, kinds_on):
    """Email the kinds in `kinds_on`, and no other; flushes, never commits.

    One upsert per kind (no read first), so two saves at once cannot collide."""
    unknown = set(kinds_on) - set(KINDS)
    if unknown:
        raise DomainError(_("Unknown kind of notification: %(kinds)s.", kinds=", ".join(sorted(unknown))))
    _upsert(session, user_id, {kind: kind in kinds_on for kind in KINDS})


def stop_emailing(session, user_id, kind):
    """Email `kind` no more (an unsubscribe link); the other kinds stay as they
    are. One upsert of that kind's row: repeating it changes nothing."""
    if kind not in KINDS:
        raise DomainError(_("Unknown kind of notification: %(kinds)s.", kinds=kind))
    _upsert(session, user_id, {kind: False})


def _upsert(session, user_id, enabled_by_kind):
    rows = [{"user_id": user_id, "kind": kind, "enabled": on} for kind, on in enabled_by_kind.items()]
    stmt = insert_once(session, EmailPreference).values(rows)
    session.execute(stmt.on_conflict_do_update(index_elements=["user_id", "kind"],
                                               set_={"enabled": stmt.excluded.enabled}))


def recipient(session, user_id, kind):
    """(the member's saved language, their address when they want `kind` by
    email else None): one statement, since every award's notice asks."""
    row = session.execute(
        select(User.language, User.email, EmailPreference.enabled)
        .outerjoin(EmailPreference, (EmailPreference.user_id == User.id) & (EmailPreference.kind == (kind or "")))
        .where(User.id == user_id)
    ).first()
    if row is None:
        return None, None
    wanted = kind in KINDS and (KINDS[kind][1] if row.enabled is None else row.enabled)
    return row.language, (row.email or None) if wanted else None
