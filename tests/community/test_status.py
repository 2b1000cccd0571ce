"""Status machines of bounties, challenges and EA verification: the moves each
allows, and every other move refused with IllegalTransition (code conflict)
without moving a coin."""
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import CheckConstraint, func, select, update

from goldcoin.auth.models import User
from goldcoin.community import bounties, challenges, eas
from goldcoin.community.errors import CommunityError
from goldcoin.community.models import (
    QUESTION,
    Bounty,
    Challenge,
    ChallengeEntry,
    ExpertAdvisor,
    Post,
    Thread,
)
from goldcoin.community.status import BOUNTY, CHALLENGE, EA_REVIEW, IllegalTransition
from goldcoin.ledger import ESCROW, balance_of, system_account_id
from goldcoin.ledger.models import Transfer, utcnow

ALLOWED = {
    BOUNTY: {("open", "awarded"), ("open", "refunded")},
    CHALLENGE: {("open", "paid")},
    EA_REVIEW: {("pending", "verified"), ("pending", "rejected"), ("rejected", "pending")},
}
MODELS = {BOUNTY: Bounty, CHALLENGE: Challenge, EA_REVIEW: ExpertAdvisor}


@pytest.mark.parametrize("machine", list(ALLOWED), ids=["bounty", "challenge", "ea_review"])
def test_each_machine_allows_exactly_its_moves_between_the_stored_strings(machine):
    statuses = [s.value for s in machine.statuses]
    for current in statuses:
        for new in statuses:
            assert machine.can(current, new) == ((current, new) in ALLOWED[machine]), (current, new)
    # The Enum holds exactly the strings the table's CHECK allows: no migration.
    [check] = [c for c in MODELS[machine].__table__.constraints
               if isinstance(c, CheckConstraint) and "status IN" in str(c.sqltext)]
    assert sorted(re.findall(r"'(\w+)'", str(check.sqltext))) == sorted(statuses)
    assert issubclass(IllegalTransition, CommunityError) and IllegalTransition.code == "conflict"


@pytest.fixture
def question(forum, session, make_user):
    """(owner with 100 coins and the bounty privilege, thread, an answer by another member)."""
    owner, helper = make_user(role="moderator", coins=100), make_user()
    thread = Thread(section_id=forum["qa"], author_id=owner.id, title="OrderSend error 130?", kind=QUESTION)
    session.add(thread)
    session.flush()
    session.add(Post(thread_id=thread.id, author_id=owner.id, body="Why?"))
    session.flush()
    reply = Post(thread_id=thread.id, author_id=helper.id, body="Check your stops.")
    session.add(reply)
    session.commit()
    return session.get(User, owner.id), thread, reply


def _escrow(session):
    return balance_of(session, system_account_id(session, ESCROW))


def test_a_refunded_bounty_cannot_be_awarded(session, question, balance):
    owner, thread, reply = question
    bounty = bounties.start_bounty(session, owner, thread, 60, now=utcnow() - timedelta(days=8))
    assert bounties.resolve_expired(session, bounty) == "refunded"
    session.commit()
    with pytest.raises(IllegalTransition) as refused:
        bounties.award_bounty(session, owner, bounty, reply)
    assert (refused.value.current, refused.value.new, refused.value.code) == ("refunded", "awarded", "conflict")
    assert bounties.resolve_expired(session, bounty) is None  # nor refunded twice
    session.rollback()
    assert (balance(owner), _escrow(session)) == (100, 0)
    assert session.scalar(select(func.count(Transfer.id)).where(Transfer.kind == "earn.bounty")) == 0


def test_the_claim_reads_the_row_not_a_stale_object(session, question, balance):
    """Another transaction resolved the bounty after we loaded it: our copy
    still says open, the compare-and-set UPDATE sees the truth."""
    owner, thread, reply = question
    bounty = bounties.start_bounty(session, owner, thread, 60)
    session.commit()
    assert bounty.status == "open"
    session.execute(update(Bounty).where(Bounty.id == bounty.id).values(status="awarded"),
                    execution_options={"synchronize_session": False})
    assert bounty.status == "open"  # stale in memory
    with pytest.raises(IllegalTransition) as refused:
        bounties.award_bounty(session, owner, bounty, reply)
    assert refused.value.current == "awarded"
    assert bounty.resolved_at is None and bounty.awarded_post_id is None  # the UPDATE wrote nothing
    session.rollback()
    assert _escrow(session) == 60


def _ea(session, author_id):
    ea = ExpertAdvisor(author_id=author_id, name="TrendRider", file_name="x.ex4", original_name="x.ex4",
                       symbol="EURUSD", timeframe="H1", period="2024", net_profit=Decimal("1"),
                       profit_factor=Decimal("1.5"), max_drawdown_pct=Decimal("5"), trades=10, win_rate=Decimal("50"))
    session.add(ea)
    session.commit()
    return ea


def test_a_reviewed_ea_is_never_reviewed_again(forum, session, make_user, balance):
    author, moderator = make_user(), make_user(role="moderator")
    moderator = session.get(User, moderator.id)
    rejected, verified = _ea(session, author.id), _ea(session, author.id)
    eas.reject_ea(session, moderator, rejected, "no tester report")
    assert eas.verify_ea(session, moderator, verified, override_reason="typed figures checked").paid == 50
    session.commit()
    for move in (lambda: eas.verify_ea(session, moderator, rejected),
                 lambda: eas.reject_ea(session, moderator, verified, "changed my mind"),
                 lambda: eas.verify_ea(session, moderator, verified)):
        with pytest.raises(IllegalTransition, match="reviewed already"):
            move()
        session.rollback()
    assert (rejected.status, verified.status, verified.reject_reason) == ("rejected", "verified", None)
    assert balance(author) == 50


def test_a_paid_challenge_is_not_paid_again(forum, session, make_user, balance):
    winner = make_user()
    now = utcnow()
    challenge = Challenge(title="Low drawdown", prize_pool=100, starts_at=now - timedelta(days=1),
                          ends_at=now + timedelta(days=1))
    session.add(challenge)
    session.flush()
    session.add(ChallengeEntry(challenge_id=challenge.id, user_id=winner.id, prize=80))
    session.commit()
    assert [r.paid for r in challenges.pay_challenge(session, challenge)] == [80]
    session.commit()
    with pytest.raises(IllegalTransition) as refused:
        challenges.pay_challenge(session, challenge)
    assert (refused.value.current, refused.value.new) == ("paid", "paid")
    session.rollback()
    with pytest.raises(CommunityError, match="not open"):
        challenges.enter_challenge(session, session.get(User, winner.id), challenge, note="late")
    session.rollback()
    assert balance(winner) == 80
