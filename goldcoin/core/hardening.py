"""What every response and request goes through, whatever the domain:
security headers, and input that no view can be handed.

- Headers: a strict Content-Security-Policy on member pages (they have no
  inline script: `script-src 'self'`), no framing anywhere (admin buttons
  cannot be clickjacked), nosniff (downloads too), a Referrer-Policy, and HSTS
  in production. Flask-Admin's own templates put confirm() and bulk actions in
  inline onclick handlers, which no nonce or fixed hash can allow, so /admin
  keeps `'unsafe-inline'` for scripts; everything it shows is autoescaped.
- Input: integers in URLs are 64-bit (a bigger one is a 400, never a database
  error), and a NUL or a lone surrogate in the path, the query or a form is a
  400 before any view runs (PostgreSQL refuses NUL in text; a surrogate cannot
  be encoded).
"""
from flask import request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from .errors import is_api_request
from .schemas import bad_text_reason

INT64_MAX = 2**63 - 1


class Int64Converter(IntegerConverter):
    """`<int:id>` that refuses, with a 400, what no 64-bit id column holds."""

    def to_python(self, value):
        number = super().to_python(value)
        if number > INT64_MAX:
            raise BadRequest(_("%(value)s is too large for an id.", value=value[:30]))
        return number


def _refuse_bad_characters():
    candidates = [request.path]
    if is_api_request():
        # The API's schemas check queries and bodies themselves and name the field.
        _check(candidates)
        return
    candidates += [v for values in request.args.listvalues() for v in values]
    candidates += [k for k in request.args.keys()]
    if request.mimetype == "application/x-www-form-urlencoded":
        # Keep the raw bytes readable after the form is parsed: a signed
        # notification (the IPN) is verified over them.
        request.get_data(cache=True)
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        candidates += [v for values in request.form.listvalues() for v in values]
        candidates += [k for k in request.form.keys()]
    if request.mimetype == "multipart/form-data":
        # Uploaded files' names are stored (and shown) too.
        candidates += [f.filename for f in request.files.values() if f.filename]
    _check(candidates)


def _check(candidates):
    for text in candidates:
        if bad_text_reason(text):
            # A plain 400 (not a refused form): JSON under /api, the error page elsewhere.
            raise BadRequest(_("The request contains a NUL or an invalid character."))


def _policy():
    script = "'self' 'unsafe-inline'" if request.path.startswith("/admin") else "'self'"
    return "; ".join((
        "default-src 'self'",
        f"script-src {script}",
        # Flask-Admin and a few templates set style attributes.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ))


def _add_security_headers(response, hsts):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", _policy())
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if hsts:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def init_app(app):
    app.url_map.converters["int"] = Int64Converter
    app.before_request(_refuse_bad_characters)
    hsts = app.config.get("ENV_NAME") == "production"
    app.after_request(lambda response: _add_security_headers(response, hsts))
