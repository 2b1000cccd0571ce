#!/usr/bin/env python
"""Prove that a Socket.IO push crosses processes.

Starts two app processes (A and B) sharing one PostgreSQL database and one
Redis (Socket.IO's message queue), as in docs/deployment.md. A member's
python-socketio client connects to process A; an admin posts an adjustment
through process B's JSON API; the member's client receives `balance`.

    .venv/bin/python scripts/two_process_push.py

Exit code 0 and "OK" when the push arrived; 1 otherwise. tests/admin/
test_two_process_push.py runs the same function.
"""
import secrets
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def prove_push_crosses_processes(timeout=20, log=print):
    import socketio
    from flask_migrate import upgrade

    from goldcoin import create_app
    from goldcoin.auth.service import register_member
    from goldcoin.extensions import db
    from goldcoin.ledger import ensure_system_accounts
    from tests.support.server import login_session, running_server
    from tests.support.services import create_pg_database, delete_prefix, redis_for_tests

    pg_url, drop = create_pg_database()
    redis_url, prefix = redis_for_tests()
    try:
        app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": pg_url})
        with app.app_context():
            upgrade()
            ensure_system_accounts(db.session)
            register_member(db.session, "boss", "boss@example.com", "boss-pass-123", role="admin")
            member = register_member(db.session, "walker", "walker@example.com", "walker-pass-123")
            member_id = member.id
            db.session.commit()
            db.engine.dispose()

        env = {
            "DATABASE_URL": pg_url,
            "REDIS_URL": redis_url,
            "GOLDCOIN_REDIS_PREFIX": prefix,
            # Every process signs sessions with the same key.
            "SECRET_KEY": secrets.token_hex(32),
        }
        with running_server(env) as base_a, running_server(env) as base_b:
            log(f"process A: {base_a}   process B: {base_b}")
            received = []
            arrived = threading.Event()
            client = socketio.Client(reconnection=False, http_session=login_session(base_a, "walker", "walker-pass-123"))

            @client.on("balance")
            def _balance(data):
                received.append(data)
                arrived.set()

            client.connect(base_a, transports=["websocket"], wait_timeout=10)
            try:
                admin = login_session(base_b, "boss", "boss-pass-123")
                r = admin.post(
                    base_b + "/api/v1/admin/adjustments",
                    json={"user_id": member_id, "amount": 7, "reason": "two-process proof", "key": "two-process-proof"},
                )
                r.raise_for_status()
                log(f"adjustment posted through B: {r.json()}")
                if not arrived.wait(timeout):
                    log(f"FAIL: no balance event on A within {timeout}s")
                    return None
            finally:
                client.disconnect()
            log(f"member's client on A received: {received[0]}")
            return received[0]
    finally:
        delete_prefix(redis_url, prefix)
        drop()


if __name__ == "__main__":
    payload = prove_push_crosses_processes()
    ok = payload is not None and payload.get("balance") == 7
    print("OK: the push crossed processes" if ok else "FAILED")
    sys.exit(0 if ok else 1)
