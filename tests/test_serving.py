"""The real server: `python app.py` under gevent (default) and eventlet, and the
production `gunicorn -k gevent -w 1 app:app`, each serve a page and accept an
authenticated Socket.IO connection over WebSocket, refusing an anonymous one."""
import os
import subprocess
import sys

import pytest
import socketio
from flask_migrate import upgrade

from goldcoin import create_app
from goldcoin.auth.service import register_member
from goldcoin.extensions import db
from tests.support.server import ROOT, gunicorn_command, login_session, running_server


@pytest.fixture(scope="module")
def server_database(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('serve') / 'serve.db'}"
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        register_member(db.session, "smoke", "smoke@example.com", "smoke-pass-123")
        db.session.commit()
        db.engine.dispose()
    return url


@pytest.mark.parametrize(
    "async_mode, command",
    [("gevent", None), ("eventlet", None), ("gevent", gunicorn_command)],
    ids=["python-app-gevent", "python-app-eventlet", "gunicorn-k-gevent"],
)
def test_server_serves_a_page_and_a_socket(server_database, async_mode, command):
    with running_server({"DATABASE_URL": server_database}, async_mode=async_mode, command=command) as base:
        http = login_session(base, "smoke", "smoke-pass-123")
        page = http.get(base + "/profile")
        assert page.status_code == 200 and 'id="coins-count"' in page.text

        anonymous = socketio.Client(reconnection=False)
        with pytest.raises(socketio.exceptions.ConnectionError):
            anonymous.connect(base, transports=["websocket"], wait_timeout=10)

        member = socketio.Client(reconnection=False, http_session=http)
        member.connect(base, transports=["websocket"], wait_timeout=10)
        try:
            assert member.connected and member.transport() == "websocket"
        finally:
            member.disconnect()


@pytest.mark.parametrize(
    "before_import, mode",
    [("", "threading"), ("from gevent import monkey; monkey.patch_all(); ", "gevent")],
    ids=["flask-cli-import", "gunicorn-gevent-worker"],
)
def test_only_a_serving_process_is_monkey_patched(before_import, mode):
    # The Flask CLI imports app.py as a module: patching it there made a greenlet
    # waiting on SQLite's lock block the whole command. gunicorn's worker patches
    # before it imports app.py, and then the app keeps gevent.
    probe = before_import + (
        "import app; from gevent import monkey; "
        "print(monkey.is_module_patched('socket'), app.app.config['GOLDCOIN_ASYNC_MODE'])"
    )
    env = dict(os.environ, GOLDCOIN_ASYNC_MODE="gevent", DATABASE_URL="sqlite://")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(mode == "gevent"), mode]
