"""Who is calling, and may they: Bearer tokens, CSRF for cookie sessions,
role checks."""
from datetime import timedelta
from functools import wraps

from flask import current_app, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError, generate_csrf

from goldcoin.auth.service import token_for
from goldcoin.auth.sessions import end_all_sessions, end_session, load_session_user, open_session
from goldcoin.core.errors import UNSAFE, ApiError, error_page, error_response, is_api_request
from goldcoin.core.time import utcnow
from goldcoin.extensions import csrf, db, login_manager

TOKEN_USE_RESOLUTION = timedelta(minutes=1)

# Endpoints authenticated by other means than a session (signed IPNs).
_csrf_exempt_endpoints = set()


def csrf_exempt(view):
    """Mark a view as authenticated by a signature instead of a session."""
    _csrf_exempt_endpoints.add(f"{view.__module__}.{view.__name__}")
    return view


def _view_name():
    view = current_app.view_functions.get(request.endpoint)
    return f"{view.__module__}.{view.__name__}" if view else None


def _before_request():
    g.api_token = None
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer " and is_api_request():
        token = token_for(db.session, header[7:].strip())
        if token is None:
            raise ApiError("unauthorized", _("The Bearer token is unknown or revoked."))
        now = utcnow()
        # Every forum event arrives with the one events token: writing its row on
        # each request would make it a row lock all of them queue on (held to
        # commit). "Last used" to the minute is what an admin needs.
        if token.last_used_at is None or now - token.last_used_at >= TOKEN_USE_RESOLUTION:
            token.last_used_at = now
        g.api_token = token
        return  # a Bearer request carries no ambient cookie authority: no CSRF
    if request.method not in UNSAFE or _view_name() in _csrf_exempt_endpoints:
        return
    # JSON clients without a session cookie have nothing for a forged request
    # to ride on (and a cross-site form cannot send application/json).
    if is_api_request() and current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return
    csrf.protect()


@login_manager.user_loader
def _load_user(login_id):
    return load_session_user(db.session, login_id)


def log_in_member(user, remember=False):
    """Log `user` in with a fresh login session. The CSRF token issued before
    login is dropped, so a token an attacker planted or read cannot be used
    once the member is logged in."""
    open_session(db.session, user)
    login_user(user, remember=remember)
    _replace_csrf_token()


def log_out_member(everywhere=False):
    """End this login session (or every session of the member) and its cookies."""
    if current_user.is_authenticated:
        if everywhere:
            end_all_sessions(db.session, current_user.id)
        else:
            end_session(db.session, current_user)
    logout_user()
    _replace_csrf_token()


def _replace_csrf_token():
    """Put a new CSRF token in the session now, in the response that logs in or
    out. Only dropping the old one left the session without a token, and the
    next requests of the page (a form, an error page for a favicon) each made
    their own: the last cookie written won and a form rendered with another
    token was refused."""
    session.pop("csrf_token", None)
    g.pop("csrf_token", None)  # Flask-WTF caches the signed token per request
    generate_csrf()


@login_manager.unauthorized_handler
def _unauthorized():
    if is_api_request():
        return error_response("unauthorized", "Log in or send a Bearer token.")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def login_required_json(view):
    """A member's session is required (JSON 401 otherwise)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            raise ApiError("unauthorized", _("Log in first."))
        return view(*args, **kwargs)

    return wrapper


def token_required(scope):
    """A Bearer token of `scope` is required."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if g.get("api_token") is None:
                raise ApiError("unauthorized", _("Send a Bearer token of scope '%(scope)s'.", scope=scope))
            if g.api_token.scope != scope:
                raise ApiError("forbidden", _("This token's scope is '%(scope)s', not '%(scope2)s'.",
                                              scope=g.api_token.scope, scope2=scope))
            return view(*args, **kwargs)

        return wrapper

    return decorate


def admin_required_json(view):
    """An admin's session or a Bearer token of scope 'admin'."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        token = g.get("api_token")
        if token is not None:
            if token.scope != "admin":
                raise ApiError("forbidden", _("This token's scope is not 'admin'."))
        elif not current_user.is_authenticated:
            raise ApiError("unauthorized", _("Log in as an admin or send an admin token."))
        elif not current_user.is_admin:
            raise ApiError("forbidden", _("Admins only."))
        return view(*args, **kwargs)

    return wrapper


def acting_user_id():
    """Who is acting: the logged-in member, or the admin who created the token."""
    token = g.get("api_token")
    if token is not None:
        return token.created_by_id
    return current_user.id if current_user.is_authenticated else None


def _csrf_reason(description):
    """Flask-WTF words its refusals in English only: the reader's language here."""
    reasons = {
        "The CSRF token is missing.": _("The form's security token is missing."),
        "The CSRF token is invalid.": _("The form's security token is not valid."),
        "The CSRF token has expired.": _("The form has expired."),
        "The CSRF tokens do not match.": _("The form's security token does not match this session."),
        "The CSRF session token is missing.": _("Your session has ended."),
        "The referrer header is missing.": _("The browser did not say which page sent the form."),
        "The referrer does not match the host.": _("The form was sent from another site."),
    }
    return reasons.get(description, _("The form could not be checked."))


def _answer_csrf(exc):
    reason = _csrf_reason(exc.description)
    if is_api_request():
        return error_response(
            "bad_request", _("%(reason)s Send the X-CSRFToken header from GET /api/v1/auth/csrf.", reason=reason)
        )
    return error_page(400, _("%(reason)s Reload the page and send the form again.", reason=reason))


def init_app(app):
    app.before_request(_before_request)
    app.register_error_handler(CSRFError, _answer_csrf)
