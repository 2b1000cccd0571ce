"""Operations: load-balancer probes and structured request logs.

Every request gets an id: the incoming X-Request-ID when it is a sane token
(set by nginx or a client), otherwise a new one. It is echoed in the response's
X-Request-ID header and written, with method, path, status, duration and user
id, as one JSON line on the `goldcoin.requests` logger (stderr by default).
"""
import json
import logging
import re
import sys
import time
import uuid

from flask import Blueprint, current_app, g, jsonify, request
from sqlalchemy import text

from .extensions import db

bp = Blueprint("ops", __name__)

request_log = logging.getLogger("goldcoin.requests")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def _setup_request_log():
    """One raw JSON line per record, not the root logger's "INFO:name:" prefix."""
    if not any(getattr(h, "_goldcoin", False) for h in request_log.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        handler._goldcoin = True
        request_log.addHandler(handler)
    request_log.setLevel(logging.INFO)
    request_log.propagate = False


_setup_request_log()


@bp.before_app_request
def _start_request():
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _user_id():
    from flask_login import current_user

    try:
        if current_user.is_authenticated:
            return current_user.id
    except Exception:  # noqa: BLE001 - never fail a response for its log line
        return None
    token = g.get("api_token")
    return token.created_by_id if token is not None else None


@bp.after_app_request
def _log_request(response):
    request_id = g.get("request_id") or uuid.uuid4().hex
    response.headers["X-Request-ID"] = request_id
    started = g.get("request_started")
    record = {
        "request_id": request_id,
        "method": request.method,
        "path": request.path,
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 2) if started else None,
        "user_id": _user_id(),
        "remote_addr": request.remote_addr,
    }
    if current_app.config.get("GOLDCOIN_REQUEST_LOG", True):
        request_log.info(json.dumps(record, separators=(",", ":")))
    return response


@bp.get("/healthz")
def healthz():
    """The process is up and serving (no dependencies checked)."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """The database answers and, when REDIS_URL is set, Redis answers: 200, else 503."""
    checks = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - report, don't crash the probe
        db.session.rollback()
        checks["database"] = f"error: {type(exc).__name__}"
    redis_url = current_app.config.get("REDIS_URL")
    if redis_url:
        from .redis_client import get_redis

        try:
            get_redis().ping()
            checks["redis"] = "ok"
        except Exception as exc:  # noqa: BLE001
            checks["redis"] = f"error: {type(exc).__name__}"
    ready = all(v == "ok" for v in checks.values())
    response = jsonify(status="ready" if ready else "not ready", checks=checks)
    response.headers["Cache-Control"] = "no-store"
    return response, 200 if ready else 503


def init_app(app):
    app.register_blueprint(bp)
