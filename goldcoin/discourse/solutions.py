"""Accepted answers (discourse-solved): `accepted_solution` pays the answer's
author, `unaccepted_solution` claws it back.

discourse-solved sends both as event type `solved` with the post payload
(WebHook.generate_payload(:post, post)) of the answer concerned
(discourse/discourse-solved plugin.rb, accept_answer! / unaccept_answer!, and
lib/discourse_solved/web_hook_extension.rb). Accepting another answer while
one is accepted replaces it without an `unaccepted_solution` event, so the
replaced answer is clawed back here.

A topic holds one paid answer at a time. Each answer is paid at most once
ever (its key is `discourse:topic:<topic>:post:<post>`), so accepting and
unaccepting in turns cannot farm coins. As in the built-in Q&A, answering
one's own question earns nothing (known when a delivery showed us the topic's
first post).
"""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from goldcoin.core.time import utc
from goldcoin.earning import award

from .members import known_user_id, member
from .models import DiscourseSolution
from .outcome import Outcome
from .payloads import is_system, post_from
from .posts import claw_back, remember_post, solution_key, topic_author


def _solution_row(session, topic_id):
    """The topic's solution row, created empty, row-locked: accepts and
    unaccepts of one topic apply one at a time."""
    row = session.scalar(select(DiscourseSolution).where(DiscourseSolution.topic_id == topic_id))
    if row is None:
        try:
            with session.begin_nested():
                session.add(DiscourseSolution(topic_id=topic_id))
        except IntegrityError:
            pass
    return session.scalars(
        select(DiscourseSolution).where(DiscourseSolution.topic_id == topic_id).with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def unaccept_current(session, solution, reason):
    """Claw back the answer `solution` holds now, and clear it. Returns (coins, status)."""
    if solution.post_id is None:
        return 0, "nothing_paid"
    coins, status = claw_back(
        session, "solution", known_user_id(session, solution.answerer_discourse_id),
        solution_key(solution.topic_id, solution.post_id), f"Clawback: accepted answer {reason} (forum)",
    )
    if status != "clawback_refused":
        solution.post_id = solution.answerer_discourse_id = None
    return coins, status


def on_accepted(session, data, *, event_name, now=None):
    now = utc(now)
    post = post_from(data)
    key = solution_key(post.topic_id, post.id)
    if post.post_number is not None and post.post_number <= 1:
        return Outcome("not_an_answer", object_key=key, detail="the topic's first post is the question")
    if is_system(post.author):
        return Outcome("system_post", object_key=key)
    remember_post(session, post)
    answerer = member(session, post.author, posted=True)
    solution = _solution_row(session, post.topic_id)
    coins, detail = 0, ""
    if solution.post_id is not None and solution.post_id != post.id:
        coins, status = unaccept_current(session, solution, "replaced")
        if status == "clawback_refused":
            # Paying the new answer too would pay the topic twice.
            return Outcome("clawback_refused", 0, answerer.user_id, key,
                           f"the replaced answer #{solution.post_id} could not be clawed back")
        detail = f"replaced answer: {status}"
    solution.post_id, solution.answerer_discourse_id = post.id, post.author.id
    if topic_author(session, post.topic_id) == post.author.id:
        return Outcome("own_question", coins, answerer.user_id, key, detail)
    title = post.topic_title or f"topic #{post.topic_id}"
    result = award(session, answerer.user_id, "solution", object_key=key,
                   memo=f"Accepted answer (forum): {title[:80]}", reference=f"discourse:post:{post.id}", now=now)
    return Outcome(result.reason, coins + result.paid, answerer.user_id, key, detail)


def on_unaccepted(session, data, *, event_name, now=None):
    post = post_from(data)
    key = solution_key(post.topic_id, post.id)
    solution = _solution_row(session, post.topic_id)
    user_id = known_user_id(session, post.author.id)
    if solution.post_id == post.id:
        coins, status = unaccept_current(session, solution, "withdrawn")
    else:
        # Not the answer we hold (deliveries crossed): claw back whatever it was paid.
        coins, status = claw_back(session, "solution", user_id, key, "Clawback: accepted answer withdrawn (forum)")
    return Outcome(status, coins, user_id, key)
