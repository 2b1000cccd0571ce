"""flask goldcoin resolve-bounties: refund (or auto-award) expired bounties."""
import click

from goldcoin.extensions import db

from .bounties import expired_bounties, resolve_expired


@click.command("resolve-bounties")
def resolve_bounties():
    """Resolve every expired open bounty once (refund or top-voted answer, by setting)."""
    done = {"refunded": 0, "awarded": 0}
    for bounty in expired_bounties(db.session):
        outcome = resolve_expired(db.session, bounty)
        if outcome:
            done[outcome] += 1
        # A batch: one bounty per transaction, so a failure leaves the others
        # resolved (the group's commit at the end finds nothing left to do).
        db.session.commit()
    click.echo(f"bounties refunded: {done['refunded']}, awarded: {done['awarded']}")
