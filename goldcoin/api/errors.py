"""The error format of API.md: {"error": code, "message": text} with its status."""
from flask import jsonify

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
}

HTTP_CODES = {status: code for code, status in STATUS.items() if code not in (
    "insufficient_funds", "out_of_stock", "limit_reached")}


class ApiError(Exception):
    def __init__(self, code, message, status=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or STATUS[code]


def error_response(code, message, status=None):
    response = jsonify(error=code, message=message)
    response.status_code = status or STATUS.get(code, 400)
    return response
