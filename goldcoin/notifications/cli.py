"""flask goldcoin send-email: send or retry the outbox's due emails."""
import click
from flask import current_app

from goldcoin.extensions import db

from .email import send_due


@click.command("send-email")
def send_email_cmd():
    """Send the outbox's due emails (new ones whose first send failed, retries). poll-payments runs it too."""
    counts = send_due(db.session, current_app.config)
    click.echo(" ".join(f"{k}={v}" for k, v in counts.items()))


COMMANDS = (send_email_cmd,)
