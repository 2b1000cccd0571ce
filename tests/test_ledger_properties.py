"""Random sequences of transfers, reversals and retries keep the invariants."""
from hypothesis import HealthCheck, given, settings, strategies as st

from goldcoin.extensions import db
from goldcoin.ledger import (
    MINT,
    SINK,
    LedgerError,
    balance_of,
    reconcile,
    reverse,
    system_account_id,
    transfer,
    wallet_id,
)

operation = st.one_of(
    st.tuples(st.just("transfer"), st.integers(0, 5), st.integers(0, 5), st.integers(-3, 60), st.integers(0, 8)),
    st.tuples(st.just("reverse"), st.integers(0, 30)),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(operation, min_size=1, max_size=30))
def test_random_operations_keep_the_invariants(app, make_user, ops):
    with app.app_context():
        session = db.session
        members = [make_user() for _ in range(4)]
        accounts = [wallet_id(session, m.id) for m in members]
        accounts += [system_account_id(session, MINT), system_account_id(session, SINK)]
        posted = []
        expected = {a: balance_of(session, a) for a in accounts}
        for op in ops:
            try:
                if op[0] == "transfer":
                    _, a, b, amount, key = op
                    posting = transfer(session, accounts[a], accounts[b], amount, kind="earn.x", key=f"k{key}")
                    if not posting.replayed:
                        expected[accounts[a]] -= amount
                        expected[accounts[b]] += amount
                        posted.append(posting.transfer)
                else:
                    if not posted:
                        continue
                    original = posted[op[1] % len(posted)]
                    posting = reverse(session, original.id, memo="undo")
                    if not posting.replayed:
                        expected[original.to_account_id] -= original.amount
                        expected[original.from_account_id] += original.amount
                session.commit()
            except LedgerError:
                session.rollback()
        report = reconcile(session)
        assert report.ok, "\n".join(report.lines())
        assert {a: balance_of(session, a) for a in accounts} == expected
        assert all(balance_of(session, a) >= 0 for a in accounts[:4])
