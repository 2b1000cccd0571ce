"""The demo's mail catcher (flask goldcoin mail-catcher): a real local SMTP
server that prints a line per message and sends the outbox to itself, and
scripts/demo.sh points the app's mail at it."""
import os
import re
import subprocess
import sys
import time

from sqlalchemy import select

from goldcoin.notifications import coins as notices
from goldcoin.notifications.models import OutboxEmail
from tests.support.server import ROOT, free_port


def _wait_for(predicate, timeout=30, what="it"):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"{what} did not happen within {timeout}s"
        time.sleep(0.1)  # polling another process's output; nothing to wait on


def test_the_catcher_receives_the_outbox_and_prints_a_line_per_message(app, app_config, session, make_user, tmp_path):
    fay = make_user("fay")
    with app.app_context():  # no MAIL_SERVER in the test app: the email waits in the outbox
        from goldcoin.extensions import db

        notices.coins_adjusted(db.session, fay.id, 30, "stand-up helper")
        db.session.commit()
    port = free_port()
    log_path = tmp_path / "catcher.log"
    env = {**os.environ, "FLASK_APP": "app", "DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"],
           "GOLDCOIN_ASYNC_MODE": "threading", "PYTHONUNBUFFERED": "1"}
    with open(log_path, "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "flask", "goldcoin", "mail-catcher", "--port", str(port),
                                 "--send-every", "0.3"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_for(lambda: "mail catcher: #1 to fay@example.com" in log_path.read_text(), what="the catcher's line")
            line = next(li for li in log_path.read_text().splitlines() if "#1 to fay@example.com" in li)
            assert "30" in line  # the subject
            session.expire_all()
            mail = session.scalar(select(OutboxEmail))
            assert mail.sent_at is not None and mail.attempts == 1
            session.rollback()
        finally:
            proc.terminate()  # as scripts/demo.sh stops it
            assert proc.wait(15) == 0, log_path.read_text()


def test_the_demo_sends_its_mail_to_its_catcher():
    script = (ROOT / "scripts" / "demo.sh").read_text()
    exports = re.search(r"^export MAIL_SERVER=(\S+) MAIL_PORT=\"\$\{MAIL_CATCHER_PORT:-(\d+)\}\"", script, re.M)
    assert exports, "demo.sh exports the mail settings"
    assert exports.group(1) == "127.0.0.1"
    catcher = re.search(r"^\.venv/bin/flask goldcoin mail-catcher --port \"\$MAIL_PORT\" .*&$", script, re.M)
    assert catcher and catcher.start() < script.index(".venv/bin/flask goldcoin demo\n") < script.index("app.py")


def _fake_venv(root):
    """.venv/bin for scripts/demo.sh: this interpreter, and a pip that installs
    nothing (the test must not change the environment it runs in)."""
    bin_dir = root / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name, body in (("python", f'exec "{sys.executable}" "$@"'), ("flask", f'exec "{sys.executable}" -m flask "$@"'),
                       ("pip", "exit 0")):
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n")
        (bin_dir / name).chmod(0o755)


def test_the_demo_delivers_its_mail_to_the_catcher_and_the_admin_sees_it(tmp_path):
    import shutil
    import signal
    import socket

    import requests

    from goldcoin.demo import DEMO_MEMBERS
    from tests.support.server import login_session

    demo = tmp_path / "demo"
    demo.mkdir()
    for name in ("app.py", "babel.cfg", "requirements.txt"):
        shutil.copy(ROOT / name, demo / name)
    for name in ("goldcoin", "migrations", "scripts", "static", "templates", "translations"):
        shutil.copytree(ROOT / name, demo / name, ignore=shutil.ignore_patterns("__pycache__"))
    _fake_venv(demo)
    port, mail_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "REDIS_URL", "GOLDCOIN_PUBLIC_URL", "HOST", "GOLDCOIN_ASYNC_MODE")
           and not k.startswith("MAIL_")}
    # The catcher's own outbox timer out of the way: what arrives below was sent
    # right after its commit, by the demo command and by the app.
    env.update(PORT=str(port), MAIL_CATCHER_PORT=str(mail_port), MAIL_CATCHER_SEND_EVERY="600", PYTHONUNBUFFERED="1")
    log_path = tmp_path / "demo.log"
    base = f"http://127.0.0.1:{port}"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(["bash", "scripts/demo.sh"], cwd=demo, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            def up():
                assert proc.poll() is None, log_path.read_text()[-3000:]
                try:
                    return requests.get(base + "/healthz", timeout=2).status_code == 200
                except requests.ConnectionError:
                    return False

            _wait_for(up, timeout=180, what="the demo's start")
            # The demo's own history mailed alice (her EA verified), through SMTP to the catcher.
            _wait_for(lambda: "mail catcher: #1 to alice@example.com" in log_path.read_text(), what="the demo's mail")
            admin = login_session(base, "admin", "admin-demo-pass")
            # A new admin adjustment mails bob at once: the app itself points at the catcher.
            bob_id = [m[0] for m in DEMO_MEMBERS].index("bob") + 1  # a fresh database numbers them in order
            r = admin.post(base + "/api/v1/admin/adjustments", json={"user_id": bob_id, "amount": 7,
                                                                   "reason": "demo mail check"})
            assert r.status_code == 201, r.text
            _wait_for(lambda: "to bob@example.com" in log_path.read_text(), what="bob's mail")
            page = admin.get(base + "/admin/sent_mail/").text
            assert "bob@example.com" in page and "demo mail check" in page and "alice@example.com" in page
            assert "Sent mail" in admin.get(base + "/admin/").text  # in the admin site's menu
        finally:
            os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in the demo's terminal
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                raise
    # Ctrl-C stopped the catcher too: its port is free again.
    time.sleep(0.5)
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", mail_port)) != 0, log_path.read_text()[-2000:]
