"""Challenges: admins create them, members enter with a post or an EA,
admins set winners' prizes and pay them (kind earn.challenge)."""
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from goldcoin.core.time import utc
from goldcoin.earning import award

from .models import ChallengeEntry, ExpertAdvisor, Post
from .service import CommunityError
from .status import CHALLENGE, ChallengeStatus


def enter_challenge(session, user, challenge, *, post_id=None, ea_id=None, note="", now=None):
    now = utc(now)
    if challenge.status != ChallengeStatus.OPEN or not challenge.starts_at <= now < challenge.ends_at:
        raise CommunityError(_("This challenge is not open for entries."))
    if not post_id and not ea_id:
        raise CommunityError(_("Enter with one of your posts or one of your EAs."))
    if post_id:
        post = session.get(Post, post_id)
        if post is None or post.author_id != user.id or post.removed_at is not None:
            raise CommunityError(_("Enter with a post of your own."))
    if ea_id:
        ea = session.get(ExpertAdvisor, ea_id)
        if ea is None or ea.author_id != user.id:
            raise CommunityError(_("Enter with an EA of your own."))
    try:
        with session.begin_nested():
            entry = ChallengeEntry(challenge_id=challenge.id, user_id=user.id, post_id=post_id or None,
                                   ea_id=ea_id or None, note=(note or "").strip()[:255])
            session.add(entry)
    except IntegrityError:
        raise CommunityError(_("You have entered this challenge already."), "conflict") from None
    return entry


def entered_with(session, entries):
    """entry id -> (its Post or None, its ExpertAdvisor or None), read in two queries."""
    post_ids = {e.post_id for e in entries if e.post_id}
    ea_ids = {e.ea_id for e in entries if e.ea_id}
    posts = {p.id: p for p in session.scalars(select(Post).where(Post.id.in_(post_ids)))} if post_ids else {}
    eas = {ea.id: ea for ea in session.scalars(select(ExpertAdvisor).where(ExpertAdvisor.id.in_(ea_ids)))} if ea_ids else {}
    return {e.id: (posts.get(e.post_id), eas.get(e.ea_id)) for e in entries}


def set_prize(session, entry, prize):
    if isinstance(prize, bool) or not isinstance(prize, int) or prize < 0:
        raise CommunityError(_("A prize is a whole number of coins."))
    entry.prize = prize or None
    session.flush()


def pay_challenge(session, challenge, actor_id=None, now=None):
    """Pay every entry with a prize (once each) and close the challenge.

    The prizes together may not exceed the prize pool. Returns [AwardResult].
    """
    entries = session.scalars(
        select(ChallengeEntry).where(ChallengeEntry.challenge_id == challenge.id, ChallengeEntry.prize > 0)
        .order_by(ChallengeEntry.id)
    ).all()
    total = sum(e.prize for e in entries)
    if not entries:
        raise CommunityError(_("Pick the winners first (set a prize on their entries)."))
    if total > challenge.prize_pool:
        raise CommunityError(_("The prizes (%(total)s) exceed the prize pool (%(prize_pool)s).",
                               total=total, prize_pool=challenge.prize_pool))
    CHALLENGE.transition(session, challenge, ChallengeStatus.PAID)
    return [
        award(
            session,
            entry.user_id,
            "challenge",
            object_key=f"challenge:{challenge.id}:entry:{entry.id}",
            amount=entry.prize,
            memo=f"Challenge prize: {challenge.title[:80]}",
            reference=f"challenge:{challenge.id}",
            actor_id=actor_id,
            now=now,
        )
        for entry in entries
    ]


def entry_count(session, challenge_id):
    return session.scalar(select(func.count(ChallengeEntry.id)).where(ChallengeEntry.challenge_id == challenge_id))
