"""A real SMTP server (aiosmtpd) for the tests: it keeps what it receives and
lets a test wait for it. The `mailbox` fixture (tests/conftest.py) is one on a
free port; `smtp_server(port)` starts one where a test needs it to appear."""
import threading
from contextlib import contextmanager

from aiosmtpd.controller import Controller

from tests.support.server import free_port


class Mailbox:
    """An aiosmtpd handler that keeps what it receives and lets a test wait for it."""

    def __init__(self):
        self.messages = []
        self.cond = threading.Condition()
        self.port = None

    async def handle_DATA(self, server, session, envelope):
        with self.cond:
            self.messages.append(envelope)
            self.cond.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count, timeout=30):
        with self.cond:
            assert self.cond.wait_for(lambda: len(self.messages) >= count, timeout), (
                f"expected {count} emails, got {len(self.messages)}")
            return list(self.messages)


@contextmanager
def smtp_server(port=None):
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    box.port = controller.port
    try:
        yield box
    finally:
        controller.stop()
