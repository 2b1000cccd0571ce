"""Login limits: one bucket per account and one per client address, shared by
/login and /api/v1/auth/login, counting failed attempts only.

- Per account (LOGIN_ACCOUNT_RATE_LIMIT, 10 failures per 15 minutes): guesses
  at one account from any number of addresses. Once it is spent, every
  attempt at that account is refused (429) until the window moves on, the
  right password too: otherwise the limit would tell a guesser when a guess
  was right.
- Per address (LOGIN_IP_RATE_LIMIT, 30 failures per 15 minutes): one address
  guessing at many accounts (credential stuffing). An address is never
  blocked for longer than the window.
- A browser that has logged into an account before carries a signed device
  cookie for it. Its attempts at that account count in buckets of their own
  (per account and device, per address and device), so neither attackers
  elsewhere nor others behind the same address (an office, a carrier NAT)
  can lock a member out of their own browser; and a stolen device cookie is
  no license to guess, it has the same limits.

Correct logins never spend a bucket. Buckets live in the rate-limit storage
(Redis; in-process memory while Redis is down, see config.py).
"""
import secrets

from flask import after_this_request, current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

from goldcoin.extensions import limiter

DEVICE_COOKIE = "gc_device"
DEVICE_COOKIE_SECONDS = 365 * 24 * 3600
_FAILED = (401, 403)  # wrong password, banned account


def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="goldcoin.login-device")


def _username():
    if request.is_json:
        body = request.get_json(silent=True)
        name = body.get("username") if isinstance(body, dict) else None
    else:
        name = request.form.get("username")
    return name.strip().lower()[:64] if isinstance(name, str) else ""


def _device_for(username):
    """The device id this browser holds for `username`, else None."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw or not username:
        return None
    try:
        devices = _serializer().loads(raw)
    except BadSignature:
        return None
    device = devices.get(username) if isinstance(devices, dict) else None
    return device if isinstance(device, str) else None


def _account_key():
    username = _username()
    device = _device_for(username)
    return f"login-account:{username}" + (f":device:{device}" if device else "")


def _address_key():
    device = _device_for(_username())
    return f"login-ip:{request.remote_addr}" + (f":device:{device}" if device else "")


def _failed(response):
    return response.status_code in _FAILED


def limited_login(view):
    """Apply both shared login buckets to a login view (innermost decorators first)."""
    view = limiter.shared_limit(lambda: current_app.config["LOGIN_IP_RATE_LIMIT"], scope="login-ip",
                                key_func=_address_key, deduct_when=_failed, methods=["POST"])(view)
    return limiter.shared_limit(lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"], scope="login-account",
                                key_func=_account_key, deduct_when=_failed, methods=["POST"])(view)


def remember_device(username):
    """After a correct login: this browser is a known device of the account."""
    username = username.strip().lower()[:64]
    raw = request.cookies.get(DEVICE_COOKIE)
    try:
        devices = _serializer().loads(raw) if raw else {}
    except BadSignature:
        devices = {}
    if not isinstance(devices, dict):
        devices = {}
    devices.setdefault(username, secrets.token_urlsafe(12))
    # A few accounts per browser at most: the cookie must stay small.
    devices = dict(list(devices.items())[-5:])
    value = _serializer().dumps(devices)
    config = current_app.config

    @after_this_request
    def _set_cookie(response):
        response.set_cookie(DEVICE_COOKIE, value, max_age=DEVICE_COOKIE_SECONDS, httponly=True, samesite="Lax",
                            secure=config.get("SESSION_COOKIE_SECURE", False), path="/")
        return response
