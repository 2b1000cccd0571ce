"""Bounties: coins held in `escrow` until the bounty resolves, exactly once.

Resolving is the bounty machine's transition out of `open` (.status), a
conditional UPDATE; of two concurrent resolutions only one changes a row, and
only that one moves coins.
"""
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from goldcoin.core.time import utc
from goldcoin.earning.settings import get_int, get_setting
from goldcoin.ledger import ESCROW, InsufficientFunds, system_account_id, transfer, wallet_id
from goldcoin.notifications import coins as notices

from .models import AWARDED, OPEN, QUESTION, REFUNDED, Bounty, Post, Vote
from .permissions import may_start_bounty
from .service import CommunityError, first_post_id
from .status import BOUNTY, IllegalTransition


def start_bounty(session, user, thread, amount, days=None, now=None):
    """Put `amount` coins of the member's on a question: wallet -> escrow now."""
    if not may_start_bounty(session, user):
        raise CommunityError(_("Starting bounties is a privilege you do not have; the store sells it."), "forbidden")
    if thread.kind != QUESTION:
        raise CommunityError(_("Bounties go on questions."))
    if thread.accepted_post_id is not None:
        raise CommunityError(_("This question already has an accepted answer."))
    low, high = get_int(session, "bounty_min"), get_int(session, "bounty_max")
    if isinstance(amount, bool) or not isinstance(amount, int) or not low <= amount <= high:
        raise CommunityError(_("A bounty is between %(low)s and %(high)s coins.", low=low, high=high))
    now = utc(now)
    days = days or get_int(session, "bounty_days")
    if session.scalar(select(Bounty.id).where(Bounty.thread_id == thread.id)):
        raise CommunityError(_("This question already has a bounty."), "conflict")
    try:
        with session.begin_nested():  # a wallet that cannot cover it leaves no bounty behind
            bounty = Bounty(thread_id=thread.id, owner_id=user.id, amount=amount, status=OPEN,
                            expires_at=now + timedelta(days=days), created_at=now)
            session.add(bounty)
            session.flush()
            transfer(
                session,
                wallet_id(session, user.id),
                system_account_id(session, ESCROW),
                amount,
                kind="bounty.escrow",
                key=f"bounty:{bounty.id}:escrow",
                memo=f"Bounty on: {thread.title[:80]}",
                reference=f"bounty:{bounty.id}",
                actor_id=user.id,
            )
    except InsufficientFunds:
        raise CommunityError(_("You do not have enough coins for that bounty."), "insufficient_funds") from None
    except IntegrityError:
        # Started concurrently: the other request's row (one per thread) won
        # and moved the coins; this one moved none (its savepoint is gone).
        raise CommunityError(_("This question already has a bounty."), "conflict") from None
    return bounty


def _pay_winner(session, bounty, post, actor_id=None):
    posting = transfer(
        session,
        system_account_id(session, ESCROW),
        wallet_id(session, post.author_id),
        bounty.amount,
        kind="earn.bounty",
        key=f"bounty:{bounty.id}:award",
        memo=f"Bounty won: {bounty.thread.title[:80]}",
        reference=f"post:{post.id}",
        actor_id=actor_id,
    )
    if not posting.replayed:
        notices.coins_earned(session, post.author_id, bounty.amount, f"Bounty won: {bounty.thread.title[:80]}",
                             f"/community/t/{bounty.thread_id}", rule="bounty")
    from goldcoin.earning.referrals import on_contribution

    on_contribution(session, post.author_id)
    return posting


def _check_answer(session, bounty, post):
    if post.thread_id != bounty.thread_id or post.id == first_post_id(session, bounty.thread_id):
        raise CommunityError(_("That is not an answer to this question."))
    if post.removed_at is not None:
        raise CommunityError(_("That answer was removed."))
    if post.author_id == bounty.owner_id:
        raise CommunityError(_("You cannot award your own bounty to yourself."))


def award_bounty(session, user, bounty, post, now=None):
    """The owner awards the bounty to an answer: escrow -> answerer, once."""
    if user.id != bounty.owner_id:
        raise CommunityError(_("Only the bounty's owner can award it."), "forbidden")
    _check_answer(session, bounty, post)
    BOUNTY.transition(session, bounty, AWARDED, resolved_at=utc(now), awarded_post_id=post.id)
    return _pay_winner(session, bounty, post, actor_id=user.id)


def top_voted_answer(session, bounty):
    first = first_post_id(session, bounty.thread_id)
    votes = func.count(Vote.id)
    row = session.execute(
        select(Post, votes)
        .outerjoin(Vote, (Vote.post_id == Post.id) & (Vote.user_id != Post.author_id))
        .where(Post.thread_id == bounty.thread_id, Post.id != first, Post.removed_at.is_(None),
               Post.author_id != bounty.owner_id)
        .group_by(Post.id)
        .order_by(votes.desc(), Post.id)
        .limit(1)
    ).first()
    return row[0] if row is not None and row[1] > 0 else None


def resolve_expired(session, bounty, now=None):
    """Resolve one expired open bounty: refund, or (admin setting `top_voted`)
    award it to the top-voted answer. Returns "refunded", "awarded" or None."""
    now = utc(now)
    if bounty.status != OPEN or bounty.expires_at > now:
        return None
    winner = top_voted_answer(session, bounty) if get_setting(session, "bounty_expiry_policy") == "top_voted" else None
    try:
        if winner is not None:
            BOUNTY.transition(session, bounty, AWARDED, resolved_at=now, awarded_post_id=winner.id)
        else:
            BOUNTY.transition(session, bounty, REFUNDED, resolved_at=now)
    except IllegalTransition:
        return None  # resolved meanwhile by its owner or another sweep
    if winner is not None:
        _pay_winner(session, bounty, winner)
        return "awarded"
    transfer(
        session,
        system_account_id(session, ESCROW),
        wallet_id(session, bounty.owner_id),
        bounty.amount,
        kind="bounty.refund",
        key=f"bounty:{bounty.id}:refund",
        memo=f"Bounty expired, refunded: {bounty.thread.title[:80]}",
        reference=f"bounty:{bounty.id}",
    )
    notices.bounty_refunded(session, bounty.owner_id, bounty.amount, bounty.thread.title[:80],
                            f"/community/t/{bounty.thread_id}")
    return "refunded"


def expired_bounties(session, now=None):
    now = utc(now)
    rows = session.scalars(select(Bounty).where(Bounty.status == OPEN).order_by(Bounty.id)).all()
    return [b for b in rows if b.expires_at <= now]
