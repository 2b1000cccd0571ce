"""Reading JSON request bodies by hand: what the payments routes still use.

Every other JSON route declares its schemas (`core.api`, `core.schemas`).
Delete this module once the recharge routes do too (see `core/api.py`).
"""
from flask import request

from .errors import ApiError
from .schemas import parse_json_body

_MISSING = object()


def json_body():
    """The request's JSON object, or a 400 that says what is wrong."""
    if not request.is_json:
        raise ApiError("bad_request", "Send a JSON body with Content-Type: application/json.")
    raw = request.get_data(cache=True)
    if not raw:
        raise ApiError("bad_request", "The request body is not valid JSON.")
    # The checks of schema-declared bodies: 64-bit integers, no NUL or lone
    # surrogate, and a flat object (no body read here nests).
    data = parse_json_body(raw, max_depth=1)
    if not isinstance(data, dict):
        raise ApiError("bad_request", "The JSON body must be an object.")
    return data


def get_str(data, name, *, required=True, max_length=None, default=None):
    value = data.get(name, _MISSING)
    if value is _MISSING or value is None:
        if required:
            raise ApiError("bad_request", f"'{name}' is required.")
        return default
    if not isinstance(value, str):
        raise ApiError("bad_request", f"'{name}' must be a string.")
    value = value.strip()
    if required and not value:
        raise ApiError("bad_request", f"'{name}' must not be empty.")
    if max_length is not None and len(value) > max_length:
        raise ApiError("bad_request", f"'{name}' must be at most {max_length} characters.")
    return value


def get_int(data, name, *, required=True, minimum=None, maximum=None, default=None, nonzero=False):
    value = data.get(name, _MISSING)
    if value is _MISSING or value is None:
        if required:
            raise ApiError("bad_request", f"'{name}' is required.")
        return default
    # bool is an int in Python; a JSON true is not a number of coins.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError("bad_request", f"'{name}' must be an integer.")
    if nonzero and value == 0:
        raise ApiError("bad_request", f"'{name}' must not be zero.")
    if minimum is not None and value < minimum:
        raise ApiError("bad_request", f"'{name}' must be at least {minimum}.")
    if maximum is not None and value > maximum:
        raise ApiError("bad_request", f"'{name}' must be at most {maximum}.")
    return value
