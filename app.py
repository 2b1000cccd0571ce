"""Entry point. `python app.py` serves Gold Coin with Flask-SocketIO on gevent;
production: `gunicorn -k gevent -w 1 app:app`.

GOLDCOIN_ASYNC_MODE picks the server: gevent (default), eventlet (deprecated
upstream, kept selectable) or threading. Monkey-patching must happen before
anything else imports the standard library's socket and threading modules.

Only a process that serves is patched: `python app.py` patches itself here,
and gunicorn's gevent (or eventlet) worker patches its process before it
imports this module. The Flask CLI imports this module too (`flask db
upgrade`, `flask goldcoin ...`); a patched command would run its background
work as greenlets, and one greenlet waiting inside SQLite's C busy handler
blocks every other, the command holding the lock included. Commands run
with real threads instead (they only publish to the Socket.IO queue).
"""
import os

_mode = os.environ.get("GOLDCOIN_ASYNC_MODE", "gevent")
_serving = __name__ == "__main__"


def _patched(mode):
    """Whether a worker (gunicorn's) already patched this process for `mode`."""
    if mode == "gevent":
        from gevent import monkey

        return monkey.is_module_patched("socket")
    try:
        import eventlet.patcher
    except ImportError:
        return False
    return eventlet.patcher.is_monkey_patched("socket")


if _mode == "gevent" and _serving:
    from gevent import monkey

    monkey.patch_all()
elif _mode == "eventlet" and _serving:
    try:
        import eventlet
    except ImportError:
        # An opt-in mode: the default install (requirements.txt) leaves eventlet out.
        raise SystemExit(
            "GOLDCOIN_ASYNC_MODE=eventlet needs eventlet, which requirements.txt leaves out:"
            " pip install -r requirements-eventlet.txt (or pick gevent, the default)"
        ) from None

    eventlet.monkey_patch()
elif _mode in ("gevent", "eventlet") and not _patched(_mode):
    _mode = "threading"

from goldcoin import create_app  # noqa: E402
from goldcoin.extensions import socketio  # noqa: E402

app = create_app({"GOLDCOIN_ASYNC_MODE": _mode})

if __name__ == "__main__":
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "5000"))
    print(f"Gold Coin on http://{host}:{port}/ ({_mode})", flush=True)
    socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True)
