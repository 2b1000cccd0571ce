"""Run the real app (`python app.py`) in a child process for end-to-end tests."""
import os
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import requests
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn_command(port):
    """The production command line: one gevent worker per process."""
    return [sys.executable, "-m", "gunicorn", "-k", "gevent", "-w", "1", "-b", f"127.0.0.1:{port}", "app:app"]


@contextmanager
def running_server(env=None, async_mode="gevent", timeout=30, command=None):
    """Start app.py (or `command(port)`) on a free port; yield its base URL;
    stop it afterwards."""
    port = free_port()
    child_env = dict(os.environ)
    child_env.update(
        {
            "GOLDCOIN_ASYNC_MODE": async_mode,
            "PORT": str(port),
            "HOST": "127.0.0.1",
            "GOLDCOIN_PUBLIC_URL": f"http://127.0.0.1:{port}",
            "RATELIMIT_ENABLED": "0",
            "PYTHONUNBUFFERED": "1",
        }
    )
    child_env.update(env or {})
    log_path = ROOT / "instance" / f"test-server-{port}.log"
    log_path.parent.mkdir(exist_ok=True)
    log = open(log_path, "w")
    argv = command(port) if command else [sys.executable, str(ROOT / "app.py")]
    proc = subprocess.Popen(argv, cwd=ROOT, env=child_env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}: {log_path.read_text()[-3000:]}")
            try:
                if requests.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server did not answer within {timeout}s: {log_path.read_text()[-3000:]}")
            time.sleep(0.1)  # polling a child process for readiness; nothing to wait on
        try:
            yield base
        except BaseException:
            # The test failed while the server ran: its log is the only witness of
            # what the server did, and the file goes below, so show its end.
            log.flush()
            sys.stderr.write(f"--- end of the server's log ({log_path.name}) ---\n{log_path.read_text()[-6000:]}\n")
            raise
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        log_path.unlink(missing_ok=True)


def login_session(base, username, password):
    """A requests.Session logged in through the JSON API (with its CSRF dance)."""
    session = requests.Session()
    token = session.get(base + "/api/v1/auth/csrf").json()["csrf_token"]
    session.headers["X-CSRFToken"] = token
    r = session.post(base + "/api/v1/auth/login", json={"username": username, "password": password})
    r.raise_for_status()
    session.headers["X-CSRFToken"] = r.json()["csrf_token"]  # logging in replaced the CSRF token
    return session


class ServerThread:
    """A WSGI app (e.g. the payment simulator) served over real HTTP from a thread of the test process."""

    def __init__(self, wsgi_app, port=0):
        self.server = make_server("127.0.0.1", port, wsgi_app, threaded=True)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(10)
        self.server.server_close()


@contextmanager
def running_demo(directory, env=None, add_rows=None):
    """The demo economy (goldcoin.demo: admin, moderator carol, members alice,
    bob, dave ...) in a SQLite file in `directory`, served by app.py with the
    payment simulator; `add_rows(session)` adds what a test needs beyond the
    demo, `env` overrides the server's environment. Yields (base URL, database URL)."""
    url = build_demo_database(directory, add_rows=add_rows)
    with running_server({"DATABASE_URL": url, "GOLDCOIN_PAYMENT_SIMULATOR": "1", **(env or {})}) as base:
        yield base, url


def build_demo_database(directory, config=None, add_rows=None):
    """Migrate a new SQLite file in `directory`, fill it with the demo economy
    (then `add_rows(session)` if given) and return its URL; `config` adds to
    create_app's."""
    from flask_migrate import upgrade

    from goldcoin import create_app
    from goldcoin.demo import create_demo_data
    from goldcoin.extensions import db

    url = f"sqlite:///{Path(directory) / 'demo.db'}"
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url, **(config or {})})
    with app.app_context():
        upgrade()
        create_demo_data(db.session, app.config)
        if add_rows:
            add_rows(db.session)
        db.session.commit()
        db.engine.dispose()
    return url
