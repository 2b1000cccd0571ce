"""A state machine of the ledger: random runs of earning, spending, overdrafts,
replays, reused keys and reversals keep the invariants after every step.

Each run opens fresh member wallets, funds them from `mint` and keeps a model
of what every balance must be. After each step: the books reconcile (all
balances sum to zero, each equals its credits minus its debits, no member
wallet is negative) and every balance equals the model's.
"""
import itertools
import uuid
from collections import Counter
from typing import NamedTuple

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from goldcoin.auth.service import register_member
from goldcoin.extensions import db
from goldcoin.ledger import (
    MINT,
    SINK,
    AlreadyReversed,
    IdempotencyConflict,
    InsufficientFunds,
    LedgerError,
    balance_of,
    reconcile,
    reverse,
    system_account_id,
    transfer,
    wallet_id,
)

KIND = "test.move"


class Posted(NamedTuple):
    id: int
    source: int
    destination: int
    amount: int
    key: str


class LedgerMachine(RuleBasedStateMachine):
    posted = Bundle("posted")

    def __init__(self, session, outcomes):
        super().__init__()
        self.session = session
        self.outcomes = outcomes
        self.run = uuid.uuid4().hex[:10]
        self.numbers = itertools.count()
        self.mint = system_account_id(session, MINT)
        self.sink = system_account_id(session, SINK)
        # Other runs moved coins in and out of the shared system accounts.
        self.expected = {a: balance_of(session, a) for a in (self.mint, self.sink)}
        self.members = []
        self.reversed = {}  # original transfer id -> its reversal's key
        self.reversal_ids = []

    # -- helpers -------------------------------------------------------------

    def key(self):
        return f"prop:{self.run}:{next(self.numbers)}"

    def outcome(self, step, result):
        """Count how the step ended: accepted (coins moved), refused or replayed."""
        self.outcomes[result] += 1
        self.outcomes[f"{step} {result}"] += 1

    def balances(self):
        # A system account's balance is derived from its transfers (balance_of), a wallet's is stored.
        return {account_id: balance_of(self.session, account_id) for account_id in self.expected}

    def post(self, source, destination, amount):
        key = self.key()
        posting = transfer(self.session, source, destination, amount, kind=KIND, key=key)
        self.session.commit()
        assert not posting.replayed
        self.expected[source] -= amount
        self.expected[destination] += amount
        return Posted(posting.transfer.id, source, destination, amount, key)

    def refused(self, error, call, match=None):
        """`call` must raise `error` and move nothing (the request rolls back)."""
        with pytest.raises(error, match=match):
            call()
        self.session.rollback()

    # -- a run starts with fresh, funded wallets -------------------------------

    @initialize(target=posted, funds=st.lists(st.integers(0, 300), min_size=3, max_size=3))
    def open_funded_wallets(self, funds):
        postings = []
        for number, coins in enumerate(funds):
            name = f"p{self.run}{number}"
            member = register_member(self.session, name, f"{name}@example.com", "password123")
            wallet = wallet_id(self.session, member.id)
            self.members.append(wallet)
            self.expected[wallet] = 0
            if coins:
                postings.append(self.post(self.mint, wallet, coins))
        self.session.commit()
        return multiple(*postings)

    # -- steps ---------------------------------------------------------------

    @rule(target=posted, data=st.data())
    def earn(self, data):
        member = data.draw(st.sampled_from(self.members), label="member")
        posted = self.post(self.mint, member, data.draw(st.integers(1, 200), label="amount"))
        self.outcome("earn", "accepted")
        return posted

    @rule(target=posted, data=st.data())
    def spend(self, data):
        """A member pays another member or the sink what they hold or less; one
        try in four (and every try from an empty wallet) asks for more, which
        is refused with nothing moved."""
        payer = data.draw(st.sampled_from(self.members), label="payer")
        payee = data.draw(st.sampled_from([a for a in self.members + [self.sink] if a != payer]), label="payee")
        held = self.expected[payer]
        if held == 0 or data.draw(st.integers(0, 3), label="overdraw") == 1:
            amount = held + data.draw(st.integers(1, 100), label="beyond")
            self.refused(
                InsufficientFunds, lambda: transfer(self.session, payer, payee, amount, kind=KIND, key=self.key())
            )
            self.outcome("spend", "refused")
            return multiple()
        posted = self.post(payer, payee, data.draw(st.integers(1, held), label="amount"))
        self.outcome("spend", "accepted")
        return posted

    @rule(original=posted, change=st.integers(0, 3))
    def repost(self, original, change):
        """The same cause posted again (a retried request): the first transfer,
        nothing moves. The key reused for another amount (one in four): refused."""
        if change == 1:
            self.refused(
                IdempotencyConflict,
                lambda: transfer(
                    self.session,
                    original.source,
                    original.destination,
                    original.amount + 1,
                    kind=KIND,
                    key=original.key,
                ),
            )
            self.outcome("repost", "refused")
            return
        before = self.balances()
        posting = transfer(
            self.session, original.source, original.destination, original.amount, kind=KIND, key=original.key
        )
        self.session.commit()
        assert posting.replayed and posting.transfer.id == original.id
        assert self.balances() == before
        self.outcome("repost", "replayed")

    @rule(original=posted, data=st.data())
    def undo(self, original, data):
        """Reverse a transfer. Refused when its receiver has spent the coins, when
        asked again under another key, or when it is a reversal itself; the same
        key again is a replay."""
        if self.reversal_ids and data.draw(st.integers(0, 4), label="undo a reversal") == 1:
            reversal = data.draw(st.sampled_from(self.reversal_ids), label="reversal")
            undo_the_undo = lambda: reverse(self.session, reversal, memo="undo the undo")  # noqa: E731
            self.refused(LedgerError, undo_the_undo, match="itself a reversal")
            self.outcome("undo", "refused")
            return
        new_key = data.draw(st.booleans(), label="new key")
        key = f"prop:{self.run}:undo:{original.id}:{next(self.numbers) if new_key else 0}"
        first_key = self.reversed.get(original.id)
        call = lambda: reverse(self.session, original.id, memo="undo", key=key)  # noqa: E731
        if first_key == key:
            before = self.balances()
            posting = call()
            self.session.commit()
            assert posting.replayed and self.balances() == before
            self.outcome("undo", "replayed")
            return
        if first_key is not None:
            self.refused(AlreadyReversed, call)
            self.outcome("undo", "refused")
            return
        if original.destination in self.members and self.expected[original.destination] < original.amount:
            self.refused(InsufficientFunds, call)
            self.outcome("undo", "refused")
            return
        posting = call()
        self.session.commit()
        assert not posting.replayed and posting.transfer.reverses_id == original.id
        self.reversed[original.id] = key
        self.reversal_ids.append(posting.transfer.id)
        self.expected[original.destination] -= original.amount
        self.expected[original.source] += original.amount
        self.outcome("undo", "accepted")

    # -- after every step ------------------------------------------------------

    @invariant()
    def books_reconcile(self):
        report = reconcile(self.session)
        assert report.ok, "\n".join(report.lines())

    @invariant()
    def balances_are_the_models(self):
        actual = self.balances()
        assert actual == self.expected
        assert all(actual[m] >= 0 for m in self.members)

    def teardown(self):
        self.session.rollback()


def test_random_runs_keep_the_invariants(app):
    outcomes = Counter()
    with app.app_context():
        run_state_machine_as_test(
            lambda: LedgerMachine(db.session, outcomes),
            settings=settings(
                max_examples=20,
                stateful_step_count=25,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow],
            ),
        )
        db.session.remove()
    # How the steps ended (shown with -s): most move coins, unlike the old
    # test's, where almost every operation was refused.
    print("ledger state machine steps:", ", ".join(f"{k}: {n}" for k, n in sorted(outcomes.items())))
    assert outcomes["accepted"] and outcomes["refused"] and outcomes["replayed"]
