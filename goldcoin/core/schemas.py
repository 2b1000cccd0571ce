"""The building blocks of the API's request and response schemas (marshmallow).

API.md, "Added in v1.1": integers are 64-bit, strings hold no NUL and no lone
surrogate, booleans are not integers, and a body nests no deeper than its
schema. The field types here enforce that on every field, in every location
(body, query, header); `parse_json_body` enforces it on a whole JSON body,
unknown fields too, before any schema sees it. Error messages are predicates ("must be an
integer.") that `describe` prefixes with the field's path: "'amount' must be
an integer."
"""
import json

import marshmallow as ma
from flask_babel import gettext as _
from marshmallow import fields, validate
from sqlalchemy import BigInteger, SmallInteger

from .errors import STATUS, ApiError

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def column_max(column):
    """The largest integer a model's column holds, e.g. `column_max(Reward.id)`.

    An id or a count sent for a column is bounded by it: beyond, it names
    nothing, and PostgreSQL refuses even to compare it (an INTEGER column
    binds its parameter as INTEGER). It follows the column's type, so a
    column widened to BIGINT widens what the API takes."""
    if isinstance(column.type, BigInteger):
        return INT64_MAX
    if isinstance(column.type, SmallInteger):
        return 2**15 - 1
    return 2**31 - 1


class Schema(ma.Schema):
    """Unknown request fields are ignored, as they always were: a client that
    sends a field this version does not know (a newer client, a forum payload
    with extras) keeps working. Known fields are checked strictly."""

    class Meta:
        unknown = ma.EXCLUDE

    error_messages = {"type": "must be an object."}


class Empty(Schema):
    """No fields: a body, if sent, is a JSON object and says nothing."""


class Between(validate.Range):
    """A Range whose message names the bound that failed."""

    def __call__(self, value):
        if self.min is not None and value < self.min:
            raise ma.ValidationError(f"must be at least {self.min}.")
        if self.max is not None and value > self.max:
            raise ma.ValidationError(f"must be at most {self.max}.")
        return value


class MaxLength(validate.Length):
    def __init__(self, max_length, unit="characters"):
        super().__init__(max=max_length)
        self.unit = unit

    def __call__(self, value):
        if len(value) > self.max:
            raise ma.ValidationError(f"must be at most {self.max} {self.unit}.")
        return value


def one_of(choices):
    return validate.OneOf(choices, error="must be one of {choices}.")


def bad_text_reason(text):
    """The reason a string is refused, or None. PostgreSQL cannot store a NUL,
    and a lone surrogate cannot be encoded as UTF-8 (it would fail later, as
    a 500)."""
    if "\x00" in text:
        return "must not contain a NUL character."
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "must not contain a lone surrogate."
    return None


def _default(field):
    """What a blank value stands for: the field's default, else None."""
    default = field.load_default
    if default is ma.missing:
        return None
    return default() if callable(default) else default


_MESSAGES = {
    "required": "is required.",
    "null": "must not be null.",
}


class Int(fields.Integer):
    """A 64-bit integer (API.md). In JSON a number, never a string, a float or
    a boolean; in a query string or a path its digits (`strict=False`)."""

    default_error_messages = {**_MESSAGES, "invalid": "must be an integer.", "too_large": "is too large."}

    def __init__(self, *, minimum=INT64_MIN, maximum=INT64_MAX, validate=(), strict=True, **kwargs):
        bounds = Between(max(minimum, INT64_MIN), min(maximum, INT64_MAX))
        super().__init__(strict=strict, validate=[bounds, *validate], **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if value == "" and not self.strict:  # "?before=" in a query string: not given
            return _default(self)
        return super()._deserialize(value, attr, data, **kwargs)

    def _validate(self, value):
        if value is not None:
            super()._validate(value)


class NonZero(validate.Validator):
    def __call__(self, value):
        if value == 0:
            raise ma.ValidationError("must not be zero.")
        return value


class Text(fields.String):
    """A string, stripped; blank is not given (an error when required, else the default)."""

    default_error_messages = {**_MESSAGES, "invalid": "must be a string.", "blank": "must not be empty."}

    def __init__(self, *, max_length=None, validate=(), **kwargs):
        if max_length is not None:
            validate = [MaxLength(max_length), *validate]
        super().__init__(validate=list(validate), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        problem = bad_text_reason(value)
        if problem:
            raise ma.ValidationError(problem)
        value = value.strip()
        if not value:
            if self.required:
                raise self.make_error("blank")
            return _default(self)
        return value

    def _validate(self, value):
        if value is not None:  # a blank optional string is not given, not checked
            super()._validate(value)


class Identifier(Text):
    """An id from another system (a forum's event or member id): a string, or
    an integer, kept as its digits."""

    default_error_messages = {"invalid": "must be a string or an integer."}

    def __init__(self, **kwargs):
        either = {"oneOf": [{"type": "string"}, {"type": "integer", "format": "int64"}]}
        super().__init__(**{**kwargs, "metadata": {**either, **kwargs.get("metadata", {})}})

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, int) and not isinstance(value, bool):
            if not INT64_MIN <= value <= INT64_MAX:
                raise ma.ValidationError(f"must be between {INT64_MIN} and {INT64_MAX}.")
            value = str(value)
        return super()._deserialize(value, attr, data, **kwargs)


class Bool(fields.Boolean):
    """true or false; not 1, 0 or "true"."""

    default_error_messages = {**_MESSAGES, "invalid": "must be true or false."}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class Decimal(fields.Decimal):
    default_error_messages = {**_MESSAGES, "invalid": "must be a number.", "special": "must be a finite number."}


class List(fields.List):
    default_error_messages = {**_MESSAGES, "invalid": "must be a list."}


class Nested(fields.Nested):
    default_error_messages = {**_MESSAGES, "type": "must be an object."}


# Types that say exactly what our fields accept, in the OpenAPI document.
OPENAPI_TYPES = (
    (Int, "integer", "int64"),
    (Identifier, None, None),  # its own metadata says: a string or an integer
)


# ---------------------------------------------------------------- messages

def _path(parts):
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _flatten(messages, parts=()):
    """(path, message) pairs of marshmallow's nested error messages."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            yield from _flatten(value, parts if key == "_schema" else (*parts, key))
    else:
        for message in messages if isinstance(messages, (list, tuple)) else [messages]:
            yield parts, str(message)


def _nested(parts, message):
    """marshmallow's shape of one message at `parts`, for describe()."""
    for part in reversed(parts):
        message = {part: message}
    return message if parts else {"_schema": [message]}


def describe(messages, subject="The JSON body"):
    """One sentence per problem: "'user.username' is required." """
    from . import schema_words

    sentences = []
    for parts, message in _flatten(messages):
        name = f"'{_path(parts)}'" if parts else schema_words.subject(subject)
        sentences.append(schema_words.sentence(name, message))
    return " ".join(sentences) or schema_words.not_valid()


def load(schema, data, refusal, subject):
    """`schema.load(data)` outside a request (an import file, a form): a
    `refusal` (a DomainError class) saying what is wrong."""
    try:
        return schema.load(data)
    except ma.ValidationError as exc:
        raise refusal(describe(exc.messages, subject)) from None


# ---------------------------------------------------------------- JSON bodies

def depth_of(schema):
    """How deep a JSON body of `schema` may nest: {} is 1, {"a": []} is 2."""
    return 1 + max((_field_depth(f) for f in schema.fields.values()), default=0)


def _field_depth(field):
    if isinstance(field, fields.Nested):
        return depth_of(field.schema)
    if isinstance(field, fields.List):
        return 1 + _field_depth(field.inner)
    if isinstance(field, fields.Dict):
        return 1 + (_field_depth(field.value_field) if field.value_field else 0)
    return 0


def _not_a_number(constant):
    raise ValueError(f"{constant} is not JSON")


def _too_deep(max_depth):
    return f"is nested deeper than this request allows ({max_depth} levels)."


def parse_json_body(raw, max_depth):
    """The JSON value of a request body, or a 400 that says what is wrong.

    Checks the whole body, unknown fields too: nothing deeper than
    `max_depth`, no integer beyond 64 bits, no NUL or lone surrogate in a
    string or a key. Walks iteratively: a deep body must not exhaust the
    stack it is being refused for."""
    try:
        data = json.loads(raw, parse_constant=_not_a_number)
    except RecursionError:  # deeper than Python's own parser goes
        raise ApiError("bad_request", describe({"_schema": [_too_deep(max_depth)]})) from None
    except ValueError:  # also bad UTF-8 and integers of thousands of digits
        raise ApiError("bad_request", _("The request body is not valid JSON.")) from None
    stack = [(data, 0, ())]
    while stack:
        value, depth, parts = stack.pop()
        problem = None
        if isinstance(value, (dict, list)):
            if depth + 1 > max_depth:
                problem = _too_deep(max_depth)
            elif isinstance(value, dict):
                for key, item in value.items():
                    if bad_text_reason(key):
                        raise ApiError("bad_request", describe({"_schema": [bad_text_reason(key)]}, "A key in the JSON body"))
                    stack.append((item, depth + 1, (*parts, key)))
            else:
                stack.extend((item, depth + 1, (*parts, n)) for n, item in enumerate(value))
        elif isinstance(value, str):
            problem = bad_text_reason(value)
        elif isinstance(value, int) and not isinstance(value, bool) and not INT64_MIN <= value <= INT64_MAX:
            problem = f"must be between {INT64_MIN} and {INT64_MAX}."
        if problem:
            raise ApiError("bad_request", describe(_nested(parts, problem)))
    return data


# ---------------------------------------------------------------- the error shape

class ErrorSchema(Schema):
    """Every refusal (API.md, Errors)."""

    error = fields.String(required=True, validate=validate.OneOf(sorted(STATUS)),
                          metadata={"description": "The error code; never changes with language."})
    message = fields.String(required=True, metadata={"description": "What is wrong, for a human."})
