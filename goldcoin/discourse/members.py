"""Forum members as Gold Coin members, matched by the Discourse user id.

The mapping is earning's ExternalMember with external_id "discourse:<id>"
(`member_for` creates the member, wallet included, on first sight, exactly as
the events API does); the prefix keeps a Discourse id from ever meeting the
same number sent by another forum through the events API. DiscourseMember
keeps what the forum told us about the account (its age, its username).
"""
from typing import NamedTuple

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from goldcoin.auth.models import User

# _username_for is the events API's own naming rule (safe characters, unique):
# reused, not copied, so a forum member is named the same whichever door they came in by.
from goldcoin.earning.events import _username_for, member_for
from goldcoin.earning.models import ExternalMember
from goldcoin.earning.referrals import record_referral, referral_code_for
from goldcoin.ledger.models import Account, Transfer

from .models import DiscourseMember
from .outcome import Outcome
from .payloads import is_system, user_from

PREFIX = "discourse:"


class Member(NamedTuple):
    user_id: int
    created: bool
    renamed: bool


def external_id(discourse_user_id):
    return f"{PREFIX}{discourse_user_id}"


def known_user_id(session, discourse_user_id):
    """The Gold Coin member of a forum account, or None if never seen (no member is created)."""
    return session.scalar(
        select(ExternalMember.user_id).where(ExternalMember.external_id == external_id(discourse_user_id))
    )


def _facts_row(session, forum_user, user_id):
    row = session.scalar(select(DiscourseMember).where(DiscourseMember.discourse_user_id == forum_user.id))
    if row is not None:
        return row, False
    try:
        with session.begin_nested():
            session.add(DiscourseMember(discourse_user_id=forum_user.id, user_id=user_id, username=forum_user.username))
    except IntegrityError:
        pass  # recorded concurrently by another delivery about the same account
    return session.scalar(select(DiscourseMember).where(DiscourseMember.discourse_user_id == forum_user.id)), True


def _rename(session, row, forum_user):
    """Follow a forum rename. Compared with the forum name last applied (not
    with the local name, which may carry a suffix from a clash), so a member
    is renamed once per forum rename, never on every delivery."""
    if row.username == forum_user.username:
        return False
    user = session.get(User, row.user_id)
    if row.username.lower() != forum_user.username.lower():
        try:
            with session.begin_nested():
                user.username = _username_for(session, forum_user.username)
                session.flush()
        except IntegrityError:
            session.refresh(user)  # the name was taken meanwhile: keep the old one until the next rename
            return False
    row.username = forum_user.username
    return True


def member(session, forum_user, *, posted=False, rename=False):
    """The Gold Coin member of `forum_user`, created on first sight; records
    the account's age and trust level when the payload carries them."""
    was_known = known_user_id(session, forum_user.id) is not None
    user_id = member_for(session, external_id(forum_user.id), forum_user.username[:32])
    row, _ = _facts_row(session, forum_user, user_id)
    renamed = rename and was_known and _rename(session, row, forum_user)
    if forum_user.created_at is not None:
        row.forum_created_at = forum_user.created_at
    if forum_user.trust_level is not None:
        row.trust_level = forum_user.trust_level
    if posted or forum_user.last_posted_at is not None:
        row.has_posted = True
    session.flush()
    return Member(user_id, not was_known, renamed)


def has_earned(session, user_id):
    """Whether anything was ever paid to the member for activity."""
    return bool(session.scalar(select(exists().where(
        Account.user_id == user_id, Transfer.to_account_id == Account.id, Transfer.kind.startswith("earn."),
    ))))


def on_user(session, data, *, event_name, now=None):
    """user_created / user_updated: create or rename the member; an invited
    sign-up records the inviter as referrer, which pays the referral rule at
    the newcomer's first paid contribution, as Gold Coin's own referrals do.

    Discourse records the invite redemption (InvitedUser) after creating the
    user, so `invited_by` may first appear in a later user_updated; it is
    honoured there too, but only for a member who has not earned yet (a
    referral is about a newcomer's first contribution)."""
    forum_user = user_from(data)
    key = f"discourse:user:{forum_user.id}"
    if is_system(forum_user):
        return Outcome("system_user", object_key=key)
    if forum_user.staged:
        # Staged accounts are placeholders Discourse makes for email senders, not sign-ups.
        return Outcome("staged_user", object_key=key)
    result = member(session, forum_user, rename=True)
    status = "member_created" if result.created else ("member_renamed" if result.renamed else "member_updated")
    detail = ""
    inviter = forum_user.invited_by
    if (inviter is not None and not is_system(inviter) and inviter.id != forum_user.id
            and (result.created or not has_earned(session, result.user_id))):
        inviter_id = member(session, inviter).user_id
        if record_referral(session, result.user_id, referral_code_for(session, inviter_id)) is not None:
            detail = f"invited by member #{inviter_id}: referral recorded"
    return Outcome(status, 0, result.user_id, key, detail)
