"""Entry point. `python app.py` serves Gold Coin with Flask-SocketIO on gevent;
production: `gunicorn -k gevent -w 1 app:app`.

GOLDCOIN_ASYNC_MODE picks the server: gevent (default), eventlet (deprecated
upstream, kept selectable) or threading. Monkey-patching must happen before
anything else imports the standard library's socket and threading modules.
"""
import os

_mode = os.environ.get("GOLDCOIN_ASYNC_MODE", "gevent")
if _mode == "gevent":
    from gevent import monkey

    monkey.patch_all()
elif _mode == "eventlet":
    try:
        import eventlet
    except ImportError:
        # An opt-in mode: the default install (requirements.txt) leaves eventlet out.
        raise SystemExit(
            "GOLDCOIN_ASYNC_MODE=eventlet needs eventlet, which requirements.txt leaves out:"
            " pip install -r requirements-eventlet.txt (or pick gevent, the default)"
        ) from None

    eventlet.monkey_patch()

from goldcoin import create_app  # noqa: E402
from goldcoin.extensions import socketio  # noqa: E402

app = create_app()

if __name__ == "__main__":
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "5000"))
    print(f"Gold Coin on http://{host}:{port}/ ({_mode})", flush=True)
    socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True)
