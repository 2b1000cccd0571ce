"""A removed post gives back what it earned, whatever its rule says now."""
import pytest
from sqlalchemy import select

from goldcoin.earning.models import EarningRule
from goldcoin.earning.service import ensure_default_rules
from goldcoin.ledger.models import Transfer

from .conftest import form_post
from .test_forum_pages import first_post, start_thread, upvote


@pytest.mark.parametrize("paid_once_per_object", [True, False])
def test_removal_claws_back_after_the_rule_toggled_once_per_object(
    forum, session, make_user, make_voter, make_api, balance, paid_once_per_object
):
    ensure_default_rules(session)
    session.scalar(select(EarningRule).where(EarningRule.code == "post_quality")).once_per_object = paid_once_per_object
    session.commit()
    author, moderator = make_user(), make_user(role="moderator")
    _, thread_id = start_thread(make_api, author)
    post = first_post(session, thread_id)
    for voter in [make_voter() for _ in range(5)]:
        upvote(make_api, voter, post.id)
    assert balance(author) == 10

    # An admin flips the rule's setting after the award was paid.
    session.scalar(select(EarningRule).where(EarningRule.code == "post_quality")).once_per_object = (
        not paid_once_per_object
    )
    session.commit()
    response = form_post(make_api(moderator.username), f"/community/p/{post.id}/remove", reason="plagiarism")
    assert response.status_code == 302
    assert balance(author) == 0
    reversal = session.scalar(select(Transfer).where(Transfer.reverses_id.is_not(None)))
    assert reversal is not None and reversal.amount == 10
    session.rollback()
