"""The one blueprint of the public JSON API at /api/v1 (see API.md), and the
machine-readable contract generated from it (flask-smorest).

Each domain adds its routes to `bp` in its own `api` module and declares what
they take and answer:

    @bp.post("/admin/adjustments")
    @admin_required_json                       # who may call: checked first
    @doc(security=ADMIN, refuses=(401, 403, 409))
    @bp.arguments(AdjustmentIn)                # validates the body -> first argument
    @bp.response(201, AdjustmentOut)           # serializes (and documents) the answer
    def create_adjustment(data): ...

A route added with the plain decorator alone (`@bp.get(...)`; today the
report parser's multipart upload and the EA's JSON) is in the document with
its path but without shapes: give it `@doc`, `@bp.arguments` and
`@bp.response` like the others, `id_in_path(...)` for the ids in its path,
then drop it from AWAITING_SCHEMAS in tests/test_openapi.py.

A body, query or header that does not fit its schema is a 400 `bad_request`
in the API.md error shape, answered by the one handler in `core.errors`
(smorest's own 422 and error body are switched off below). The app registers
the blueprint once, after every domain has added its routes: the OpenAPI
document (`GET /api/v1/openapi.json`, the page `/api/docs`) is built then.
"""
from copy import deepcopy
from http import HTTPStatus

import flask_smorest
from flask import current_app
from flask_babel import gettext as _
from webargs.core import missing
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from . import apidocs
from .apidocs import spec_of
from .errors import ApiError
from .schemas import INT64_MAX, OPENAPI_TYPES, ErrorSchema, column_max, depth_of, describe, parse_json_body

_SUBJECTS = {"json": "The JSON body", "query": "The query string", "headers": "The request's headers"}

# Who may call a route, for `doc(security=...)`; the schemes are described in the document.
PUBLIC = []
MEMBER = [{"session": []}]
ADMIN = [{"session": []}, {"bearer": []}]
EVENTS = [{"bearer": []}]


class Parser(FlaskParser):
    """webargs, answering our way: a 400 `bad_request` (an ApiError, so the
    one handler answers it) with a message naming each field at fault."""

    DEFAULT_VALIDATION_STATUS = 400

    def load_json(self, req, schema):
        raw = req.get_data(cache=True)
        if not raw:
            return missing  # no body: loads as {} (an error only if a field is required)
        if not is_json_request(req):
            raise ApiError("bad_request", _("Send a JSON body with Content-Type: application/json."))
        return parse_json_body(raw, depth_of(schema))

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        # webargs files the messages under the location: {"json": {...}}
        (location, messages), = error.messages.items()
        raise ApiError("bad_request", describe(messages, _SUBJECTS.get(location, "The request")))


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = Parser()

    def add_url_rule(self, rule, endpoint=None, view_func=None, provide_automatic_options=None, **options):
        # Group the document by domain: goldcoin.store.api -> "store".
        if options.get("tags") is None and view_func is not None:
            options["tags"] = [view_func.__module__.split(".")[1]]
        super().add_url_rule(rule, endpoint, view_func, provide_automatic_options, **options)


class Api(flask_smorest.Api):
    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        """None: `core.errors` answers every error, in the API.md shape."""


class Int64Converter(IntegerConverter):
    """`<int64(max=N):id>` (see `id_in_path`): an id in a path. Digits beyond
    64 bits are a 400 (API.md); an id beyond `max`, what its column holds,
    names nothing: the route does not match, a 404 like any unknown id."""

    def to_python(self, value):
        if len(value) > 19 or int(value) > INT64_MAX:
            # An HTTPException from a converter becomes the request's routing
            # error, which the one handler answers.
            raise BadRequest(_("'%(value)s' is not a 64-bit id.", value=value[:30]))
        return super().to_python(value)


def _int64_parameter(converter):
    return {"type": "integer", "format": "int64", "minimum": 0, "maximum": converter.max or INT64_MAX}


def id_in_path(name, column):
    """The rule part of an id compared with `column`: "<int64(max=2147483647):reward_id>"."""
    return f"<int64(max={column_max(column)}):{name}>"


bp = Blueprint("api", __name__, url_prefix="/api/v1")


def doc(*, security=None, refuses=()):
    """Document who may call a route and the refusals it may answer (each in
    the error shape of API.md)."""

    def decorate(view):
        for status in refuses:
            view = bp.alt_response(status, response=HTTPStatus(status).name)(view)
        if security is not None:
            view = bp.doc(security=security)(view)
        return view

    return decorate


@bp.get("/openapi.json", tags=["contract"])
@bp.response(200, {"type": "object"}, description="This document (OpenAPI 3).")
def openapi_json():
    """The machine-readable contract: every JSON endpoint, generated from the schemas that validate requests."""
    body = current_app.json.dumps(spec_of(current_app), indent=1, sort_keys=False)
    return current_app.response_class(body, mimetype="application/json")


SPEC = {
    "title": "Gold Coin API",
    "version": "1.1",
    "openapi_version": "3.0.3",
    "info": {
        "description": "The public JSON API of Gold Coin. docs/API.md is the contract; this document is "
                       "generated from the schemas that validate every request. Every error answers "
                       '`{"error": code, "message": text}`.'
    },
}

SECURITY_SCHEMES = {
    "session": {
        "type": "apiKey", "in": "cookie", "name": None,  # the app's SESSION_COOKIE_NAME
        "description": "The session cookie of POST /api/v1/auth/login or register. Unsafe requests also send "
                       "the header X-CSRFToken from GET /api/v1/auth/csrf.",
    },
    "bearer": {
        "type": "http", "scheme": "bearer",
        "description": "A token made by an admin: `flask goldcoin create-token NAME --scope events|admin`. No CSRF.",
    },
}


def init_app(app):
    app.url_map.converters["int64"] = Int64Converter
    api = Api(spec_kwargs=deepcopy(SPEC))
    api.init_app(app)
    api.register_converter(Int64Converter, _int64_parameter)
    for field, type_, format_ in OPENAPI_TYPES:
        api.register_field(field, type_, format_)
    for name, scheme in SECURITY_SCHEMES.items():
        if scheme.get("in") == "cookie":
            scheme = dict(scheme, name=app.config["SESSION_COOKIE_NAME"])
        api.spec.components.security_scheme(name, scheme)
    api.register_blueprint(bp)
    app.register_blueprint(apidocs.bp)
