"""Likes: distinct likers per post, the same anti-abuse rules as the built-in
upvotes, and the quality reward paid once when the post reaches the threshold.

The rules are the economy's own settings and rule (goldcoin.earning):
`post_quality.threshold`, `vote_min_account_age_hours`,
`vote_requires_activity`, and award()'s daily caps and boosters. What
differs from goldcoin.community.service.eligible_votes is only where the
facts live: a liker's account age is the forum account's age when a user
event told us (else the Gold Coin member's, i.e. first sight), and "activity
of their own" is a forum post (the forum's `last_posted_at`, or a post a
delivery showed them writing) or an earned coin.
"""
from datetime import timedelta

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from goldcoin.auth.models import User
from goldcoin.core.time import utc
from goldcoin.earning import award
from goldcoin.earning.service import get_rule
from goldcoin.earning.settings import get_bool, get_int
from goldcoin.ledger.models import Account, Transfer

from .members import member
from .models import DiscourseLike, DiscourseMember
from .outcome import Outcome
from .payloads import is_system, like_from
from .posts import quality_key, remember_post


def eligible_likers(session, post_id, author_discourse_id, now=None):
    """Likes that count toward the quality threshold: not the author's own,
    not from a banned member, from accounts old enough and (by setting) with
    activity of their own."""
    now = utc(now)
    min_age = timedelta(hours=get_int(session, "vote_min_account_age_hours"))
    stmt = (
        select(DiscourseMember.forum_created_at, User.created_at)
        .select_from(DiscourseLike)
        .join(DiscourseMember, DiscourseMember.discourse_user_id == DiscourseLike.liker_discourse_id)
        .join(User, User.id == DiscourseMember.user_id)
        .where(
            DiscourseLike.post_id == post_id,
            DiscourseLike.liker_discourse_id != author_discourse_id,
            User.is_banned.is_(False),
        )
    )
    if get_bool(session, "vote_requires_activity"):
        earned = exists().where(
            Account.user_id == User.id, Transfer.to_account_id == Account.id, Transfer.kind.startswith("earn.")
        )
        stmt = stmt.where(DiscourseMember.has_posted.is_(True) | earned)
    rows = session.execute(stmt).all()
    return sum(1 for forum_created, local_created in rows if (forum_created or local_created) <= now - min_age)


def _record_like(session, post_id, liker_discourse_id, now):
    try:
        with session.begin_nested():
            session.add(DiscourseLike(post_id=post_id, liker_discourse_id=liker_discourse_id, created_at=now))
    except IntegrityError:
        return False  # this member's like of this post is counted already
    return True


def on_like(session, data, *, event_name, now=None):
    """post_liked: count the liker once; pay the author when the eligible
    likers reach the threshold (award() makes a second payment impossible)."""
    now = utc(now)
    post, liker = like_from(data)
    key = quality_key(post.id)
    if is_system(post.author):
        return Outcome("system_post", object_key=key)
    author = member(session, post.author, posted=True)
    # Likes of one post are counted one delivery at a time: the second waits
    # here for the first's commit, then sees its like.
    row = remember_post(session, post, lock=True)
    if row.destroyed_at is not None:
        return Outcome("post_destroyed", 0, author.user_id, key)
    if liker.id == post.author.id:
        return Outcome("self_like", 0, author.user_id, key)
    if is_system(liker):
        return Outcome("system_like", 0, author.user_id, key)
    member(session, liker)
    new_like = _record_like(session, post.id, liker.id, now)
    rule = get_rule(session, "post_quality")
    count = eligible_likers(session, post.id, post.author.id, now)
    detail = f"{count} eligible of {rule.threshold or 0} needed" + ("" if new_like else "; repeated like")
    if count < (rule.threshold or 0):
        return Outcome("below_threshold", 0, author.user_id, key, detail)
    title = post.topic_title or f"topic #{post.topic_id}"
    result = award(session, author.user_id, "post_quality", object_key=key, memo=f"Quality post (forum): {title[:80]}",
                   reference=key, now=now)
    return Outcome(result.reason, result.paid, author.user_id, key, detail)
