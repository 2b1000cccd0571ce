"""Forum posts as far as deliveries described them, and clawing back what one earned.

Awards for forum content use these object keys (the ledger key is
`earn:<rule>:<object key>`, see goldcoin.earning.service.award):
- a post's quality reward: `discourse:post:<post id>`;
- an accepted answer: `discourse:topic:<topic id>:post:<post id>`.
"""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from goldcoin.earning.service import paid_award
from goldcoin.ledger import AlreadyReversed, InsufficientFunds, reverse

from .models import DiscoursePost


def quality_key(post_id):
    return f"discourse:post:{post_id}"


def solution_key(topic_id, post_id):
    return f"discourse:topic:{topic_id}:post:{post_id}"


def remember_post(session, post, *, lock=False):
    """The DiscoursePost row of `post` (created on first sight, its author
    kept current); with `lock`, row-locked until the transaction ends."""
    row = session.scalar(select(DiscoursePost).where(DiscoursePost.post_id == post.id))
    if row is None:
        try:
            with session.begin_nested():
                session.add(DiscoursePost(post_id=post.id, topic_id=post.topic_id, post_number=post.post_number,
                                          author_discourse_id=post.author.id))
        except IntegrityError:
            pass  # recorded concurrently
    stmt = select(DiscoursePost).where(DiscoursePost.post_id == post.id)
    if lock:
        stmt = stmt.with_for_update()
    row = session.scalars(stmt.execution_options(populate_existing=True)).one()
    # An admin may move a post to another topic or owner on the forum.
    row.topic_id, row.author_discourse_id = post.topic_id, post.author.id
    if post.post_number is not None:
        row.post_number = post.post_number
    return row


def topic_author(session, topic_id):
    """The forum id of whoever opened the topic, if a delivery showed us its first post."""
    return session.scalar(
        select(DiscoursePost.author_discourse_id)
        .where(DiscoursePost.topic_id == topic_id, DiscoursePost.post_number == 1)
    )


# Order of gravity when one delivery claws back several awards.
_GRAVITY = ("clawback_refused", "clawed_back", "already_clawed_back", "nothing_paid")


def worst(*statuses):
    return min(statuses, key=_GRAVITY.index) if statuses else "nothing_paid"


def claw_back(session, rule_code, user_id, object_key, memo):
    """Reverse what `rule_code` paid `user_id` for `object_key`, as the
    built-in moderation does (goldcoin.community.service.remove_post).

    Returns (coins, status): (-amount, "clawed_back"); (0, "nothing_paid");
    (0, "already_clawed_back") for a repeat; (0, "clawback_refused") when the
    member has spent the coins, in which case nothing is written and the
    admin's event list shows it, for an adjustment by hand.
    """
    if user_id is None:
        return 0, "nothing_paid"
    paid = paid_award(session, rule_code, user_id, object_key)
    if paid is None:
        return 0, "nothing_paid"
    try:
        with session.begin_nested():
            posting = reverse(session, paid.id, memo=memo[:255])
    except AlreadyReversed:
        return 0, "already_clawed_back"  # by an admin, under another key
    except InsufficientFunds:
        return 0, "clawback_refused"
    if posting.replayed:
        return 0, "already_clawed_back"
    return -posting.transfer.amount, "clawed_back"
