"""One error root for the whole product, and the one place that answers it.

A domain raises a `DomainError` subclass whose `code` is an API.md error code;
the handler below rolls the request back and answers `{"error", "message"}`
under /api, a flash and a redirect back for a page's form, or the error page.
Views never translate domain errors by hand.
"""
from urllib.parse import urlsplit

from flask import current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

# API.md error codes and their HTTP status.
STATUS = {
    "bad_request": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "insufficient_funds": 409,
    "conflict": 409,
    "out_of_stock": 409,
    "limit_reached": 409,
    "payload_too_large": 413,
    "unsupported_media_type": 415,
    "rate_limited": 429,
    "internal_error": 500,
    "bad_gateway": 502,
    "unavailable": 503,
}

# The code of a bare HTTP status (abort(404) and the like).
HTTP_CODES = {status: code for code, status in STATUS.items() if status != 409}
HTTP_CODES[409] = "conflict"

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


class DomainError(Exception):
    """Base of every refusal a member, an admin or a client may see.

    `code` is the API.md error code (it never changes with language); the
    message is safe to show. Subclasses set a default `code`."""

    code = "bad_request"

    def __init__(self, message="", code=None, status=None):
        super().__init__(message)
        self.message = message or (self.__doc__ or "").strip().split("\n")[0]
        if code is not None:
            self.code = code
        self._status = status

    @property
    def status(self):
        return self._status or STATUS.get(self.code, 400)


class ApiError(DomainError):
    """A refusal by the HTTP layer itself (bad JSON, a missing token, ...)."""

    def __init__(self, code, message, status=None):
        super().__init__(message, code=code, status=status)


# Paths whose callers are programs (the JSON API, a forum's or a payment
# provider's webhooks): every error there answers the JSON shape.
MACHINE_PREFIXES = ("/api/", "/integrations/", "/webhooks/")


def is_api_request():
    return request.path.startswith(MACHINE_PREFIXES)


def error_response(code, message, status=None):
    response = jsonify(error=code, message=message)
    response.status_code = status or STATUS.get(code, 400)
    return response


def error_page(status, message):
    return render_template("error.html", code=status, message=message), status


def refusal_goes_to(url):
    """Where a page's form returns with the message if the domain refuses it."""
    g.goldcoin_refusal_target = url


def _back_to_form():
    """Where a refused form post returns: the page the view named, else the
    page it came from (same site only, so the referrer cannot send the member
    elsewhere), else home."""
    if g.get("goldcoin_refusal_target"):
        return g.goldcoin_refusal_target
    referrer = request.referrer or ""
    parts = urlsplit(referrer)
    if referrer and parts.netloc == request.host:
        return referrer
    return url_for("web.home")


def answer_domain_error(exc):
    from .transaction import rollback_request

    rollback_request()
    if is_api_request():
        return error_response(exc.code, exc.message, exc.status)
    if request.method in UNSAFE and exc.status not in (403, 404):
        # A refused form: back to it, with the reason. (Who may not do it at
        # all, or what does not exist, gets the error page.)
        flash(exc.message, "error")
        return redirect(_back_to_form())
    return error_page(exc.status, exc.message)


# Werkzeug's own descriptions are English; these are ours, in every language.
# A description a view chose (abort(404, "No such EA.")) is kept.
HTTP_MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Log in to see this page."),
    403: _l("You may not open this page."),
    404: _l("There is nothing at this address."),
    405: _l("This address does not take that method."),
    413: _l("What was sent is too large."),
    415: _l("That kind of content is not accepted here."),
}


def _message_of(exc):
    ours = HTTP_MESSAGES.get(exc.code)
    if ours is not None and exc.description == type(exc).description:
        return str(ours)
    return exc.description


def _answer_http(exc):
    if is_api_request():
        code = HTTP_CODES.get(exc.code, "bad_request" if exc.code < 500 else "internal_error")
        return error_response(code, _message_of(exc), exc.code)
    return error_page(exc.code, _message_of(exc))


def _answer_internal(exc):
    from .transaction import rollback_request

    rollback_request()
    message = _("Something went wrong on our side.")
    if is_api_request():
        return error_response("internal_error", message, 500)
    return error_page(500, message)


RETRY_AFTER_SECONDS = 5


def _answer_database_error(exc):
    """The database is unreachable (or dropped the connection): a 503 the
    client may retry, not a 500. A number beyond its column (an id of a 32-bit
    table that no row can have) is bad input, not our failure. Other database
    errors stay 500s."""
    if type(getattr(exc, "orig", None)).__name__ == "NumericValueOutOfRange":
        return _answer_out_of_range()
    if not getattr(exc, "connection_invalidated", False) and not _is_connection_error(exc):
        return _answer_internal(exc)
    from .transaction import rollback_request

    try:
        rollback_request()
    except DBAPIError:
        pass  # the connection is gone; the pool discards it
    message = _("The service is briefly unavailable. Please retry in a few seconds.")
    if is_api_request():
        response = error_response("unavailable", message, 503)
    else:
        response = current_app.response_class(render_template("unavailable.html", message=message), 503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _answer_out_of_range():
    from .transaction import rollback_request

    rollback_request()
    if request.method in ("GET", "HEAD"):
        # Looked up by a number no row can have: there is no such thing.
        status, code, message = 404, "not_found", _("Not found.")
    else:
        status, code, message = 400, "bad_request", _("A number in the request is out of range.")
    if is_api_request():
        return error_response(code, message, status)
    return error_page(status, message)


def _is_connection_error(exc):
    # psycopg and sqlite3 name a lost or refused connection OperationalError.
    return type(exc.orig).__name__ == "OperationalError"


def _answer_rate_limited(exc):
    # Flask-Limiter's description is the bare limit ("10 per 1 minute").
    message = _("Too many attempts (%(limit)s). Please wait a moment and try again.", limit=exc.description)
    if is_api_request():
        return error_response("rate_limited", message, 429)
    return error_page(429, message)


def init_app(app):
    app.register_error_handler(DomainError, answer_domain_error)
    app.register_error_handler(429, _answer_rate_limited)
    app.register_error_handler(HTTPException, _answer_http)
    app.register_error_handler(500, _answer_internal)
    app.register_error_handler(DBAPIError, _answer_database_error)
