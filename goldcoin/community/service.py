"""Forum and Q&A: threads, posts, votes, moderation, accepted answers.

Functions take the session, flush, never commit.
"""
from datetime import timedelta
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import IntegrityError

from goldcoin.auth.models import User
from goldcoin.core import audit
from goldcoin.core.time import utc, utcnow
from goldcoin.earning import award
from goldcoin.earning.service import get_rule, paid_award
from goldcoin.earning.settings import get_bool, get_int
from goldcoin.ledger import InsufficientFunds, lock_accounts, reverse, transfer
from goldcoin.ledger.models import Account, Transfer

from .errors import CommunityError
from .models import DISCUSSION, QUESTION, Post, Section, Thread, Vote
from .permissions import may_post_commercial


def _clean(text, name, max_length):
    text = (text or "").strip()
    if not text:
        raise CommunityError(_("%(name)s must not be empty.", name=name))
    if len(text) > max_length:
        raise CommunityError(_("%(name)s must be at most %(max_length)s characters.", name=name, max_length=max_length))
    return text


def _check_may_post(session, user, section):
    if section.is_commercial and not may_post_commercial(session, user):
        raise CommunityError(_("Posting in the commercial section is a privilege you do not have; the store sells it."),
                             "forbidden")


def create_thread(session, user, section, title, body):
    _check_may_post(session, user, section)
    thread = Thread(
        section_id=section.id,
        author_id=user.id,
        title=_clean(title, "Title", 200),
        kind=QUESTION if section.is_qa else DISCUSSION,
    )
    session.add(thread)
    session.flush()
    session.add(Post(thread_id=thread.id, author_id=user.id, body=_clean(body, "Text", 20000)))
    session.flush()
    return thread


def reply(session, user, thread, body):
    _check_may_post(session, user, thread.section)
    post = Post(thread_id=thread.id, author_id=user.id, body=_clean(body, "Text", 20000))
    session.add(post)
    session.flush()
    return post


def first_post_id(session, thread_id):
    return session.scalar(select(func.min(Post.id)).where(Post.thread_id == thread_id))


def eligible_votes(session, post, now=None):
    """Upvotes that count toward the quality threshold: not the author's own,
    from accounts old enough and (by setting) with activity of their own."""
    now = utc(now)
    min_age = timedelta(hours=get_int(session, "vote_min_account_age_hours"))
    stmt = (
        select(Vote.user_id, User.created_at)
        .join(User, User.id == Vote.user_id)
        .where(Vote.post_id == post.id, Vote.user_id != post.author_id, User.is_banned.is_(False))
    )
    if get_bool(session, "vote_requires_activity"):
        has_post = exists().where(Post.author_id == User.id, Post.removed_at.is_(None))
        earned = exists().where(
            Account.user_id == User.id,
            Transfer.to_account_id == Account.id,
            Transfer.kind.startswith("earn."),
        )
        stmt = stmt.where(has_post | earned)
    rows = session.execute(stmt).all()
    return sum(1 for _, created in rows if created <= now - min_age)


def quality_status(session, posts, votes, now=None):
    """{post id: (counted votes, threshold, paid)} for posts with votes: what a
    thread says beside "5 upvotes" (why they may pay nothing yet)."""
    rule = get_rule(session, "post_quality")
    out = {}
    for post in posts:
        if votes.get(post.id):
            paid = paid_award(session, "post_quality", post.author_id, f"post:{post.id}") is not None
            out[post.id] = (eligible_votes(session, post, now), rule.threshold or 0, paid)
    return out


def vote_count(session, post_id):
    return session.scalar(select(func.count(Vote.id)).where(Vote.post_id == post_id)) or 0


def upvote(session, user, post, now=None):
    """Upvote a post (once); pays the author the quality reward when the
    eligible votes reach the threshold. Returns the AwardResult or None."""
    if post.removed_at is not None:
        raise CommunityError(_("That post was removed."))
    if post.author_id == user.id:
        raise CommunityError(_("You cannot upvote your own post."))
    try:
        with session.begin_nested():
            session.add(Vote(post_id=post.id, user_id=user.id, created_at=utc(now)))
    except IntegrityError:
        raise CommunityError(_("You have already upvoted this post."), "conflict") from None
    return check_quality(session, post, now=now)


def remove_vote(session, user, post):
    """Take one's upvote back. Before the threshold it only lowers the count;
    a reward already paid stays (only a moderator's removal claws it back)."""
    removed = session.execute(
        Vote.__table__.delete().where(Vote.post_id == post.id, Vote.user_id == user.id)
    ).rowcount
    return bool(removed)


def check_quality(session, post, now=None):
    rule = get_rule(session, "post_quality")
    if post.removed_at is not None or eligible_votes(session, post, now) < (rule.threshold or 0):
        return None
    return award(
        session,
        post.author_id,
        "post_quality",
        object_key=f"post:{post.id}",
        memo=f"Quality post: {post.thread.title[:80]}",
        reference=f"post:{post.id}",
        now=now,
    )


class Removal(NamedTuple):
    """What removing a post did to its reward: the transfer that took coins
    back (None: nothing was paid, or nothing was left) and the coins written off."""

    clawback: object
    written_off: int = 0


def remove_post(session, moderator, post, reason, write_off=False):
    """A moderator removes a post, with a reason; a quality reward it earned is clawed back.

    When the author has already spent the reward, the removal is refused
    (nothing written) unless `write_off`: then whatever the wallet still holds,
    up to the reward, is taken back and the rest is written off, recorded in
    the memo and the audit log with the moderator's reason. Returns a Removal.
    """
    if not moderator.is_moderator:
        raise CommunityError(_("Moderators only."), "forbidden")
    reason = _clean(reason, "Reason", 255)
    claimed = session.execute(
        update(Post)
        .where(Post.id == post.id, Post.removed_at.is_(None))
        .values(removed_at=utcnow(), removed_by_id=moderator.id, removal_reason=reason),
        execution_options={"synchronize_session": False},
    ).rowcount
    session.expire(post)
    if not claimed:
        raise CommunityError(_("That post was already removed."), "conflict")
    paid = paid_award(session, "post_quality", post.author_id, f"post:{post.id}")
    if paid is None:
        return Removal(None)
    memo = f'Taken back: your post in "{post.thread.title[:80]}" was removed by a moderator ({reason[:60]})'
    try:
        with session.begin_nested():
            return Removal(reverse(session, paid.id, memo=memo[:255], actor_id=moderator.id))
    except InsufficientFunds:
        if not write_off:
            raise CommunityError(
                _("The author has already spent the %(coins)s coins this post earned. Tick \"take back what they "
                  "have\" to remove it anyway: the rest is written off.", coins=paid.amount),
                "insufficient_funds",
            ) from None
    return _take_back_what_is_left(session, moderator, post, paid, reason)


def _take_back_what_is_left(session, moderator, post, paid, reason):
    # The wallet is row-locked first (the ledger's lock), so the balance read
    # next cannot change before the transfer moves at most that much; the
    # transfer's conditional debit still refuses an overdraft whatever happens.
    lock_accounts(session, [paid.to_account_id])
    held = int(session.scalar(select(Account.balance).where(Account.id == paid.to_account_id)) or 0)
    amount = min(held, paid.amount)
    clawback = None
    if amount:
        memo = (f'Taken back {amount} of {paid.amount}: your post in "{post.thread.title[:60]}" was removed by a '
                f"moderator ({reason[:40]})")
        clawback = transfer(session, paid.to_account_id, paid.from_account_id, amount, kind=paid.kind,
                            key=f"clawback:{paid.id}", memo=memo[:255], reference=paid.reference,
                            actor_id=moderator.id)
    audit.record(session, moderator.id, "community.clawback_written_off", f"post:{post.id}",
                 reward_transfer_id=paid.id, taken_back=amount, written_off=paid.amount - amount, reason=reason)
    return Removal(clawback, paid.amount - amount)


def accept_answer(session, user, thread, post, now=None):
    """The asker accepts one answer: the answerer earns the solution reward
    once per question, never the asker themselves."""
    if thread.kind != QUESTION:
        raise CommunityError(_("Only questions have accepted answers."))
    if thread.author_id != user.id:
        raise CommunityError(_("Only the asker can accept an answer."), "forbidden")
    if post.thread_id != thread.id or post.id == first_post_id(session, thread.id) or post.removed_at is not None:
        raise CommunityError(_("That is not an answer to this question."))
    claimed = session.execute(
        update(Thread)
        .where(Thread.id == thread.id, Thread.accepted_post_id.is_(None))
        .values(accepted_post_id=post.id),
        execution_options={"synchronize_session": False},
    ).rowcount
    session.expire(thread)
    if not claimed:
        raise CommunityError(_("This question already has an accepted answer."), "conflict")
    if post.author_id == user.id:
        return None  # answering one's own question earns nothing
    return award(
        session,
        post.author_id,
        "solution",
        object_key=f"question:{thread.id}",
        memo=f"Accepted answer: {thread.title[:80]}",
        reference=f"post:{post.id}",
        now=now,
    )


def sections(session):
    return session.scalars(select(Section).order_by(Section.position, Section.id)).all()


__all__ = [
    "CommunityError", "InsufficientFunds", "accept_answer", "create_thread", "eligible_votes", "remove_post",
    "remove_vote", "reply", "upvote", "vote_count", "sections",
]
