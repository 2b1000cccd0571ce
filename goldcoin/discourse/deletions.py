"""Deleted forum content gives back what it earned.

- `post_destroyed` (post payload, PostDestroyer#destroy): the post's quality
  reward, and the accepted-answer reward when it is the topic's answer.
- `topic_destroyed` (topic payload, WebHookTopicViewSerializer): the same for
  every post of the topic a delivery showed us; Discourse deletes a topic by
  deleting its first post, without an event for each reply.

A deleted post is remembered, so a like delivered late pays nothing.
Recovering a post on the forum does not pay again (its awards' keys are
spent); an admin adjusts by hand if that is wanted.
"""
from sqlalchemy import select

from goldcoin.core.time import utc

from .members import known_user_id
from .models import DiscoursePost, DiscourseSolution
from .outcome import Outcome
from .payloads import post_from, topic_from
from .posts import claw_back, quality_key, remember_post, worst
from .solutions import unaccept_current


def _destroy(session, row, now):
    """Claw back what one post earned; returns (coins, [statuses])."""
    if row.destroyed_at is None:
        row.destroyed_at = now
    author_id = known_user_id(session, row.author_discourse_id)
    coins, status = claw_back(session, "post_quality", author_id, quality_key(row.post_id),
                              f"Clawback: forum post #{row.post_id} deleted")
    statuses = [status]
    solution = session.scalar(
        select(DiscourseSolution).where(DiscourseSolution.topic_id == row.topic_id).with_for_update()
    ) if row.topic_id is not None else None
    if solution is not None and solution.post_id == row.post_id:
        more, solution_status = unaccept_current(session, solution, "deleted")
        coins += more
        statuses.append(solution_status)
    return coins, statuses


def on_post_destroyed(session, data, *, event_name, now=None):
    now = utc(now)
    post = post_from(data)
    row = remember_post(session, post, lock=True)
    coins, statuses = _destroy(session, row, now)
    return Outcome(worst(*statuses), coins, known_user_id(session, post.author.id), quality_key(post.id))


def on_topic_destroyed(session, data, *, event_name, now=None):
    now = utc(now)
    topic = topic_from(data)
    rows = session.scalars(
        select(DiscoursePost).where(DiscoursePost.topic_id == topic.id)
        .order_by(DiscoursePost.post_id).with_for_update()
    ).all()
    coins, statuses = 0, []
    for row in rows:
        more, row_statuses = _destroy(session, row, now)
        coins += more
        statuses.extend(row_statuses)
    return Outcome(worst(*statuses), coins, None, f"discourse:topic:{topic.id}",
                   f"{len(rows)} known post(s) of the topic")
