"""flask goldcoin reconcile: prove the books balance."""
import sys

import click

from goldcoin.extensions import db

from .reconcile import reconcile


@click.command("reconcile")
def reconcile_cmd():
    """Check the ledger's invariants; exit 1 with a report when one fails."""
    report = reconcile(db.session)
    for line in report.lines():
        click.echo(line)
    if not report.ok:
        sys.exit(1)
