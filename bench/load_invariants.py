"""bench/load.py's checks after the run: every 2xx the clients saw is in the
ledger exactly once, nothing was paid twice, and reconcile is clean."""


def check_invariants(app, records):
    from sqlalchemy import func, select

    from goldcoin.earning.models import ExternalEvent
    from goldcoin.extensions import db
    from goldcoin.ledger import reconcile
    from goldcoin.ledger.models import Transfer
    from goldcoin.store.models import Redemption

    events = [s for k, _, _, seen in records if k == "earn" for s in seen]
    redeems = [s for k, _, _, seen in records if k == "redeem" for s in seen]
    failures = []
    with app.app_context():
        session = db.session
        # Every paid event: its record says what the client was told, and its award is one transfer.
        stored = dict(session.execute(select(ExternalEvent.event_id, ExternalEvent.awarded)).all())
        award_keys = {k: a for k, a in session.execute(
            select(Transfer.idempotency_key, Transfer.amount).where(Transfer.kind.startswith("earn."))).all()}
        for event_id, awarded, replayed in events:
            if replayed:
                failures.append(f"event {event_id}: a new event was answered as a replay")
            if stored.get(event_id) != awarded:
                failures.append(f"event {event_id}: client saw {awarded}, ledger records {stored.get(event_id)}")
            elif awarded and award_keys.get(f"earn:solution:ext:solution:{event_id}") != awarded:
                failures.append(f"event {event_id}: no award transfer of {awarded}")
        paid = sum(1 for _, awarded, _ in events if awarded)
        if len(award_keys) != paid:
            failures.append(f"{len(award_keys)} award transfers, but the clients were told of {paid}")
        # Every 201: one redemption, one debit under the member's key.
        redemptions = dict(session.execute(select(Redemption.id, Redemption.transfer_id)).all())
        redeem_transfers = session.scalar(select(func.count(Transfer.id)).where(Transfer.kind == "redeem"))
        told = {rid for _, rid, _ in redeems}
        if any(replayed for _, _, replayed in redeems):
            failures.append("a new Idempotency-Key was answered as a replay")
        if len(told) != len(redeems):
            failures.append("one redemption id was answered to two requests")
        missing = [rid for rid in told if rid not in redemptions]
        if missing:
            failures.append(f"{len(missing)} redemptions answered 201 are not in the database")
        if len(redemptions) != len(told) or redeem_transfers != len(told):
            failures.append(f"{len(redemptions)} redemptions and {redeem_transfers} debits in the ledger, "
                            f"{len(told)} answered 201")
        report = reconcile(session)
        db.engine.dispose()
    print(f"invariants: {len(events)} events answered 2xx ({paid} paid), {len(redeems)} redemptions answered 201")
    for line in report.lines():
        print("  " + line)
    if not report.ok:
        failures.append("reconcile failed")
    print("  " + ("OK   every 2xx is in the ledger exactly once; nothing paid twice" if not failures else
                  "FAIL " + "\n  FAIL ".join(failures[:20])))
    return not failures
