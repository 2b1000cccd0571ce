"""flask goldcoin send-email: send or retry the outbox's due emails;
flask goldcoin mail-catcher: the demo's local SMTP server."""
import signal
import threading

import click
from flask import current_app

from goldcoin.extensions import db

from .catcher import run_catcher
from .email import send_due


@click.command("send-email")
def send_email_cmd():
    """Send the outbox's due emails (new ones whose first send failed, retries). poll-payments runs it too."""
    counts = send_due(db.session, current_app.config)
    click.echo(" ".join(f"{k}={v}" for k, v in counts.items()))


@click.command("mail-catcher")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8025, type=int, show_default=True)
@click.option("--send-every", default=10.0, type=float, show_default=True, help="seconds between outbox sends")
def mail_catcher_cmd(host, port, send_every):
    """Demo: a local SMTP server that accepts all mail and prints a line per message; it sends the
    outbox to itself every few seconds. Point the app at it with MAIL_SERVER=HOST and MAIL_PORT=PORT."""
    config = {**current_app.config, "MAIL_SERVER": host, "MAIL_PORT": port}
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())  # scripts/demo.sh stops it so when the app exits
    try:
        # A batch command, like send-email: send_due commits per email.
        run_catcher(host, port, send_every, lambda: send_due(db.session, config), click.echo, stop)
    except KeyboardInterrupt:
        pass


COMMANDS = (send_email_cmd, mail_catcher_cmd)
