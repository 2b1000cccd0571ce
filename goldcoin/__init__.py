"""Gold Coin: the coin economy of an EA trading community."""
import logging
import os
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .config import CONFIGS, check_async_mode, check_production_config
from .extensions import csrf, db, limiter, login_manager, migrate, socketio

ROOT = Path(__file__).resolve().parent.parent


def create_app(config=None):
    """Build the app. `config` is a mapping of settings that override the environment."""
    config = dict(config or {})
    env = config.get("ENV_NAME") or os.environ.get("GOLDCOIN_ENV", "development")
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object(CONFIGS[env])
    app.config.update(config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "goldcoin.db")
    if not app.config.get("UPLOAD_FOLDER"):
        app.config["UPLOAD_FOLDER"] = os.path.join(app.instance_path, "uploads")
    check_production_config(app.config)
    check_async_mode(app.config)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # Writers queue behind each other instead of failing with "database is locked".
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.setdefault("connect_args", {}).setdefault("timeout", 30)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options

    _init_extensions(app)
    _init_domains(app)
    _trust_proxies(app)
    logging.basicConfig(level=logging.INFO)
    return app


def _init_domains(app):
    """Every domain registers its blueprints, API routes, admin views, CLI
    commands and after-commit subscribers with the app."""
    from . import (
        admin,
        cli,
        community,
        discourse,
        earning,
        leaderboard,
        ledger,
        members,
        notifications,
        ops,
        payments,
        realtime,
        store,
    )
    from .core import api, errors, hardening, transaction

    transaction.init_app(app)  # first: its after_request runs last, after every other hook
    errors.init_app(app)
    hardening.init_app(app)
    cli.init_app(app)
    ops.init_app(app)
    admin.init_app(app)  # before the domains: they add their views to its site
    domains = (ledger, members, earning, community, store, payments, leaderboard, notifications, realtime, discourse)
    for domain in domains:
        domain.init_app(app)
    admin.finish(app)
    api.init_app(app)  # last: every domain has added its routes to the one /api/v1 blueprint


def _trust_proxies(app):
    """Behind nginx the client's address and scheme arrive in X-Forwarded-*
    headers; read them (outermost, so every part of the app sees the client)
    only from as many proxies as the operator says stand in front."""
    hops = app.config["GOLDCOIN_TRUSTED_PROXIES"]
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def _init_extensions(app):
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    csrf.init_app(app)
    redis_url = app.config.get("REDIS_URL")
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    limiter.init_app(app)
    # Flask-SocketIO keeps the previous app's message queue in server_options when
    # this one has none: an app without Redis must not publish through another's.
    socketio.server_options.pop("client_manager", None)
    socketio.server_options.pop("message_queue", None)
    socketio.server_options.pop("channel", None)
    queue = {}
    if redis_url:
        from .realtime import MEMBERS_ROOM
        from .realtime.queue import ResyncRedisManager

        # Pages resynchronise when the queue comes back after an outage (realtime/queue.py).
        queue["client_manager"] = ResyncRedisManager(redis_url, channel=app.config["REDIS_PREFIX"] + "socketio",
                                                     resync_room=MEMBERS_ROOM)
    socketio.init_app(
        app,
        async_mode=app.config["GOLDCOIN_ASYNC_MODE"],
        # Same origin only: no cross-site page may open a socket with our cookie.
        cors_allowed_origins=None,
        **queue,
    )

    from . import i18n, security

    security.init_app(app)
    i18n.init_app(app)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: enforce foreign keys, wait for locks, and let SQLAlchemy own BEGIN
    (pysqlite's own transaction handling breaks SAVEPOINT)."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    # IMMEDIATE takes the write lock at BEGIN, so two writers never both read
    # and then deadlock upgrading their locks; the second waits its turn.
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")
