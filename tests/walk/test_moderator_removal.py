"""Defect 12: a moderator can finish a removal whose reward was already spent
(take back what the author has, write off the rest, with the reason on
record); Remove asks for a reason and a confirmation."""
from sqlalchemy import select

from goldcoin.community.models import Post
from goldcoin.core.audit import AdminAction
from goldcoin.ledger import SINK, system_account_id, transfer, wallet_id
from goldcoin.ledger.models import Transfer
from tests.community.conftest import form_post
from tests.community.test_forum_pages import first_post, start_thread, upvote


def paid_post(session, make_api, make_user, make_voter):
    author, moderator = make_user(), make_user(role="moderator")
    _, thread_id = start_thread(make_api, author)
    post = first_post(session, thread_id)
    for voter in [make_voter() for _ in range(5)]:
        upvote(make_api, voter, post.id)
    return author, moderator, post, thread_id


def test_a_spent_reward_is_taken_back_in_part_and_the_rest_written_off(forum, session, make_user, make_voter,
                                                                         make_api, balance):
    author, moderator, post, thread_id = paid_post(session, make_api, make_user, make_voter)
    assert balance(author) == 10
    transfer(session, wallet_id(session, author.id), system_account_id(session, SINK), 7, kind="redeem", key="spent")
    session.commit()
    mod = make_api(moderator.username)

    refused = form_post(mod, f"/community/p/{post.id}/remove", reason="plagiarism")
    assert refused.status_code == 302
    page = mod.get(f"/community/t/{thread_id}").get_data(as_text=True)
    assert "already spent the 10 coins" in page and "take back what they" in page
    session.expire_all()
    assert session.get(Post, post.id).removed_at is None  # nothing written
    session.rollback()

    done = form_post(mod, f"/community/p/{post.id}/remove", reason="plagiarism", write_off="1")
    assert done.status_code == 302
    assert "3 coins taken back, 7 written off" in mod.get(f"/community/t/{thread_id}").get_data(as_text=True)
    assert balance(author) == 0
    session.expire_all()
    assert session.get(Post, post.id).removal_reason == "plagiarism"
    clawback = session.scalar(select(Transfer).where(Transfer.idempotency_key.like("clawback:%")))
    assert clawback.amount == 3 and clawback.kind == "earn.post_quality" and clawback.actor_id == moderator.id
    entry = session.scalar(select(AdminAction).where(AdminAction.action == "community.clawback_written_off"))
    assert entry.details["written_off"] == 7 and entry.details["reason"] == "plagiarism"
    session.rollback()


def test_remove_asks_for_a_reason_and_a_confirmation(forum, session, make_user, make_voter, make_api):
    author, moderator, post, thread_id = paid_post(session, make_api, make_user, make_voter)
    mod = make_api(moderator.username)
    page = mod.get(f"/community/t/{thread_id}").get_data(as_text=True)
    assert 'name="reason" required' in page and "data-confirm=" in page
    assert 'type="hidden" name="reason"' not in page
    refused = form_post(mod, f"/community/p/{post.id}/remove")  # no reason
    assert refused.status_code == 302
    session.expire_all()
    assert session.get(Post, post.id).removed_at is None
    session.rollback()
