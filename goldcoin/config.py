"""Settings, read from the environment. One class per environment.

`create_app(config)` picks a class by `GOLDCOIN_ENV` (development, production,
testing) and then applies a mapping of overrides, which is how tests configure
the app.
"""
import os

_DEFAULT_SECRET = "dev-only-not-secret"


def _bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _public_url():
    """GOLDCOIN_PUBLIC_URL, or the address app.py serves on (HOST, PORT): links
    in mail and on pages, and the payment simulator's address, follow a server
    started on another port instead of pointing at :5000."""
    given = os.environ.get("GOLDCOIN_PUBLIC_URL", "").strip()
    if given:
        return given
    host = os.environ.get("HOST", "").strip() or "127.0.0.1"
    if host in ("0.0.0.0", "::"):  # listening everywhere: this machine answers on loopback
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{os.environ.get('PORT', '').strip() or '5000'}"


class Config:
    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY", _DEFAULT_SECRET)
    # None means: SQLite file in the instance folder (filled in by create_app).
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL") or None
    # Key prefix for everything Gold Coin keeps in Redis, so that several
    # deployments (or test runs) can share one server.
    REDIS_PREFIX = os.environ.get("GOLDCOIN_REDIS_PREFIX", "gc:")
    GOLDCOIN_ASYNC_MODE = os.environ.get("GOLDCOIN_ASYNC_MODE", "gevent")
    # Every this many ms a process looks for changed leaderboard tops to push:
    # at most one `leaderboard` push per board per interval.
    GOLDCOIN_LEADERBOARD_PUSH_MS = int(os.environ.get("GOLDCOIN_LEADERBOARD_PUSH_MS", "1000"))
    GOLDCOIN_PUBLIC_URL = _public_url()
    WTF_CSRF_TIME_LIMIT = None
    # CSRF is checked by goldcoin.security for cookie sessions only, so that
    # Bearer-token clients and the signed IPN endpoint are not caught by it.
    WTF_CSRF_CHECK_DEFAULT = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # The remember-me cookie names one login session (goldcoin.auth.sessions),
    # so logging out ends it wherever it was copied.
    REMEMBER_COOKIE_DURATION = 30 * 24 * 3600
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    # Redis down must not take login, the events API or order creation down:
    # limits fall back to per-process memory (still limiting, per worker) and
    # Flask-Limiter logs the switch and returns to Redis once it answers again.
    # Fail-open would let a Redis outage switch brute-force protection off.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    LOGIN_RATE_LIMIT = os.environ.get("GOLDCOIN_LOGIN_RATE_LIMIT", "10 per minute")  # sign-ups, forum sign-in
    # Failed logins, shared by /login and /api/v1/auth/login (goldcoin/auth/login_limits.py).
    LOGIN_ACCOUNT_RATE_LIMIT = os.environ.get("GOLDCOIN_LOGIN_ACCOUNT_RATE_LIMIT", "10 per 15 minutes")
    LOGIN_IP_RATE_LIMIT = os.environ.get("GOLDCOIN_LOGIN_IP_RATE_LIMIT", "30 per 15 minutes")
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    EA_UPLOAD_RATE_LIMIT = os.environ.get("GOLDCOIN_EA_UPLOAD_RATE_LIMIT", "10 per hour")
    GOLDCOIN_EVENTS_RATE_LIMIT = os.environ.get("GOLDCOIN_EVENTS_RATE_LIMIT", "600 per minute")
    GOLDCOIN_REPORT_PARSE_RATE_LIMIT = os.environ.get("GOLDCOIN_REPORT_PARSE_RATE_LIMIT", "30 per minute")
    # Where uploaded files live: outside static/, served only through views.
    UPLOAD_FOLDER = os.environ.get("GOLDCOIN_UPLOAD_FOLDER")  # default: instance/uploads
    GOLDCOIN_PAYMENT_SIMULATOR = _bool("GOLDCOIN_PAYMENT_SIMULATOR", False)
    # How many reverse proxies (nginx, a load balancer) stand in front and set
    # X-Forwarded-For/-Proto/-Host. 0 trusts no such header, since a client could
    # forge it to dodge rate limits and fake its address in the logs.
    GOLDCOIN_TRUSTED_PROXIES = int(os.environ.get("GOLDCOIN_TRUSTED_PROXIES", "0"))
    # Discourse (docs/discourse.md): the forum's base URL (the admin's setting,
    # when set, wins), the webhook secret and the DiscourseConnect secret.
    # The language of a visitor whose browser names none we have (en, zh_CN),
    # and the time zone of a member who chose none (an IANA name).
    GOLDCOIN_DEFAULT_LOCALE = os.environ.get("GOLDCOIN_DEFAULT_LOCALE", "en")
    GOLDCOIN_DEFAULT_TIMEZONE = os.environ.get("GOLDCOIN_DEFAULT_TIMEZONE", "UTC")
    DISCOURSE_URL = os.environ.get("DISCOURSE_URL", "")
    DISCOURSE_WEBHOOK_SECRET = os.environ.get("DISCOURSE_WEBHOOK_SECRET", "")
    DISCOURSE_CONNECT_SECRET = os.environ.get("DISCOURSE_CONNECT_SECRET", "")
    DISCOURSE_WEBHOOK_RATE_LIMIT = os.environ.get("DISCOURSE_WEBHOOK_RATE_LIMIT", "600 per minute")


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret"
    RATELIMIT_ENABLED = False


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


class ConfigurationError(RuntimeError):
    """The app refuses to start with this configuration."""


def check_production_config(config):
    """Production must never run on a guessable key or with the payment simulator."""
    if config.get("ENV_NAME") != "production":
        return
    secret = config.get("SECRET_KEY") or ""
    if secret == _DEFAULT_SECRET or len(secret) < 32:
        raise ConfigurationError(
            "SECRET_KEY must be set to a random value of at least 32 characters in production"
        )
    if config.get("GOLDCOIN_PAYMENT_SIMULATOR"):
        raise ConfigurationError("the payment simulator cannot be enabled in production")


def check_async_mode(config):
    """eventlet is an opt-in mode that the default install leaves out: say what
    to install, instead of Flask-SocketIO's "Invalid async_mode specified"."""
    if config.get("GOLDCOIN_ASYNC_MODE") != "eventlet":
        return
    try:
        import eventlet  # noqa: F401
    except ImportError:
        raise ConfigurationError(
            "GOLDCOIN_ASYNC_MODE=eventlet needs eventlet, which requirements.txt leaves out:"
            " pip install -r requirements-eventlet.txt (or pick gevent, the default)"
        ) from None
