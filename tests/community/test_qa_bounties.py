"""Q&A and bounties: accepted answers pay +20 once; bounty coins go through escrow
and out exactly once (award, refund or auto-award)."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from goldcoin.auth.models import User
from goldcoin.community import bounties
from goldcoin.community.models import Bounty, Post, Thread
from goldcoin.community.service import CommunityError
from goldcoin.earning.settings import set_setting
from goldcoin.ledger import ESCROW, balance_of, system_account_id
from goldcoin.ledger.models import Transfer, utcnow

from .conftest import form_post


def ask(make_api, asker):
    api = make_api(asker.username)
    response = form_post(api, "/community/s/qa/threads", title="OrderSend error 130?", body="Why?")
    assert response.status_code == 302
    return api, int(response.headers["Location"].rsplit("/", 1)[1])


def answer(make_api, member, thread_id, body="Check your stops."):
    assert form_post(make_api(member.username), f"/community/t/{thread_id}/reply", body=body).status_code == 302


def answers(session, thread_id):
    ids = session.scalars(select(Post.id).where(Post.thread_id == thread_id).order_by(Post.id)).all()[1:]
    session.rollback()
    return ids


def escrow(session):
    value = balance_of(session, system_account_id(session, ESCROW))
    session.rollback()
    return value


def test_accepting_an_answer_pays_twenty_once(forum, session, make_user, make_api, balance):
    asker, helper, other = make_user(), make_user(), make_user()
    api, thread_id = ask(make_api, asker)
    answer(make_api, helper, thread_id)
    answer(make_api, other, thread_id)
    first, second = answers(session, thread_id)
    assert form_post(make_api(helper.username), f"/community/t/{thread_id}/accept/{first}").status_code == 403
    assert form_post(api, f"/community/t/{thread_id}/accept/{first}").status_code == 302
    assert form_post(api, f"/community/t/{thread_id}/accept/{second}").status_code == 302  # refused: one per question
    assert (balance(helper), balance(other)) == (20, 0)
    thread = session.get(Thread, thread_id)
    assert thread.accepted_post_id == first
    session.rollback()


def test_own_answer_accepted_pays_nothing(forum, session, make_user, make_api, balance):
    asker = make_user()
    api, thread_id = ask(make_api, asker)
    answer(make_api, asker, thread_id, "Found it myself")
    (own,) = answers(session, thread_id)
    assert form_post(api, f"/community/t/{thread_id}/accept/{own}").status_code == 302
    assert balance(asker) == 0


def test_bounty_escrow_then_award(forum, session, make_user, make_api, balance):
    owner, helper = make_user(role="moderator", coins=500), make_user()
    api, thread_id = ask(make_api, owner)
    assert form_post(make_api(make_user(coins=500).username), f"/community/t/{thread_id}/bounty", amount="100").status_code == 403
    assert form_post(api, f"/community/t/{thread_id}/bounty", amount="100").status_code == 302
    assert (balance(owner), escrow(session)) == (400, 100)
    answer(make_api, helper, thread_id)
    (post_id,) = answers(session, thread_id)
    bounty_id = session.scalar(select(Bounty.id))
    session.rollback()
    assert form_post(api, f"/community/bounties/{bounty_id}/award/{post_id}").status_code == 302
    assert form_post(api, f"/community/bounties/{bounty_id}/award/{post_id}").status_code == 302  # refused
    assert (balance(helper), escrow(session)) == (100, 0)
    win = session.scalar(select(Transfer).where(Transfer.kind == "earn.bounty"))
    assert win.idempotency_key == f"bounty:{bounty_id}:award"
    session.rollback()


def test_bounty_limits_and_funds(forum, session, make_user, make_api, balance):
    owner = make_user(role="moderator", coins=50)
    api, thread_id = ask(make_api, owner)
    form_post(api, f"/community/t/{thread_id}/bounty", amount="5")  # below the minimum of 10
    form_post(api, f"/community/t/{thread_id}/bounty", amount="80")  # more than the wallet holds
    assert session.scalar(select(Bounty.id)) is None
    session.rollback()
    assert balance(owner) == 50 and escrow(session) == 0


def _expired_bounty(session, owner_id, thread_id, amount=60):
    thread = session.get(Thread, thread_id)
    bounty = bounties.start_bounty(session, session.get(User, owner_id), thread, amount, now=utcnow() - timedelta(days=8))
    session.commit()
    return bounty


def test_expired_bounty_is_refunded_once_by_the_cli(forum, session, make_user, make_api, runner, balance):
    owner, helper = make_user(role="moderator", coins=100), make_user()
    _, thread_id = ask(make_api, owner)
    answer(make_api, helper, thread_id)
    _expired_bounty(session, owner.id, thread_id)
    session.rollback()
    assert balance(owner) == 40
    result = runner.invoke(args=["goldcoin", "resolve-bounties"])
    assert "refunded: 1" in result.output, result.output
    result = runner.invoke(args=["goldcoin", "resolve-bounties"])
    assert "refunded: 0" in result.output
    assert (balance(owner), balance(helper), escrow(session)) == (100, 0, 0)


def test_expired_bounty_auto_awarded_to_top_voted_answer(forum, session, make_user, make_api, runner, balance):
    owner, helper, better, voter = make_user(role="moderator", coins=100), make_user(), make_user(), make_user()
    _, thread_id = ask(make_api, owner)
    answer(make_api, helper, thread_id)
    answer(make_api, better, thread_id)
    first, second = answers(session, thread_id)
    form_post(make_api(voter.username), f"/community/p/{second}/vote")
    set_setting(session, "bounty_expiry_policy", "top_voted")
    _expired_bounty(session, owner.id, thread_id)
    session.rollback()
    assert "awarded: 1" in runner.invoke(args=["goldcoin", "resolve-bounties"]).output
    assert (balance(owner), balance(helper), balance(better)) == (40, 0, 60)


@pytest.mark.postgresql_only
def test_concurrent_awards_only_one_wins_on_postgresql(forum, app_config, session, make_user, make_api, db_kind, balance):
    assert db_kind == "postgresql"
    owner = make_user(role="moderator", coins=500)
    helpers = [make_user() for _ in range(6)]
    api, thread_id = ask(make_api, owner)
    for helper in helpers:
        answer(make_api, helper, thread_id)
    post_ids = answers(session, thread_id)
    assert form_post(api, f"/community/t/{thread_id}/bounty", amount="100").status_code == 302
    bounty_id = session.scalar(select(Bounty.id))
    session.rollback()
    engine = session.get_bind()
    outcomes, start = [], threading.Barrier(len(post_ids), timeout=60)

    def worker(post_id):
        with Session(bind=engine) as s:
            start.wait()
            try:
                bounties.award_bounty(s, s.get(User, owner.id), s.get(Bounty, bounty_id), s.get(Post, post_id))
                s.commit()
                outcomes.append("won")
            except CommunityError:
                s.rollback()
                outcomes.append("refused")

    threads = [threading.Thread(target=worker, args=(p,)) for p in post_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["refused"] * (len(post_ids) - 1) + ["won"]
    assert sorted(balance(h) for h in helpers) == [0] * 5 + [100]
    assert escrow(session) == 0
    assert len(session.scalars(select(Transfer).where(Transfer.kind == "earn.bounty")).all()) == 1
    session.rollback()
