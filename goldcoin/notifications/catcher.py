"""The demo's mail catcher: a local SMTP server (aiosmtpd) that accepts every
message, keeps none and prints one line per message, so that a demo sends
real email through SMTP and nothing leaves the machine. What was sent, with
its text, is on the admin site's "Sent mail" page (the outbox).

It is also the demo's mail timer: every few seconds it sends the outbox's due
emails to itself (those queued before it listened, and retries), as `flask
goldcoin send-email` does for a real server.
"""
import email
import logging
import threading
from email import policy


class Catcher:
    """aiosmtpd handler: accept, and tell `echo` who got what."""

    def __init__(self, echo):
        self.echo = echo
        self.received = 0

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.received += 1
        self.echo(f"mail catcher: #{self.received} to {', '.join(envelope.rcpt_tos)}: {message['Subject']}")
        return "250 Message accepted"


def run_catcher(host, port, every, send_due, echo, stop=None):
    """Serve SMTP on host:port and call `send_due()` every `every` seconds until `stop` is set."""
    from aiosmtpd.controller import Controller  # the demo's and the tests' only: not loaded by the app

    stop = stop or threading.Event()
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's every SMTP command: our one line is enough
    controller = Controller(Catcher(echo), hostname=host, port=port)
    controller.start()
    echo(f"mail catcher: listening on {host}:{port}; the outbox is sent here every {every:g}s")
    try:
        while True:
            counts = send_due()
            if counts.get("failed"):
                echo(f"mail catcher: {counts['failed']} email(s) failed, retried later")
            if stop.wait(every):
                return
    finally:
        controller.stop()
