"""The schemas' refusals in the request's language. The schemas word their
predicates in English ("must be an integer."), which marshmallow keeps as
plain text; `problem()` finds each one here and words it for the reader, so a
member who chose Chinese reads "'amount' 必须是整数。" (the `error` code is
the same in every language)."""
import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

_PREDICATES = [(re.compile(pattern), text) for pattern, text in (
    (r"is required\.", _l("is required.")),
    (r"must not be null\.", _l("must not be null.")),
    (r"must be an object\.", _l("must be an object.")),
    (r"must be an integer\.", _l("must be an integer.")),
    (r"is too large\.", _l("is too large.")),
    (r"must be a string\.", _l("must be a string.")),
    (r"must not be empty\.", _l("must not be empty.")),
    (r"must be a string or an integer\.", _l("must be a string or an integer.")),
    (r"must be true or false\.", _l("must be true or false.")),
    (r"must be a number\.", _l("must be a number.")),
    (r"must be a finite number\.", _l("must be a finite number.")),
    (r"must be a list\.", _l("must be a list.")),
    (r"must not be zero\.", _l("must not be zero.")),
    (r"must not contain a NUL character\.", _l("must not contain a NUL character.")),
    (r"must not contain a lone surrogate\.", _l("must not contain a lone surrogate.")),
    (r"must be at least (?P<n>\S+)\.", _l("must be at least %(n)s.")),
    (r"must be at most (?P<n>\S+) characters\.", _l("must be at most %(n)s characters.")),
    (r"must be at most (?P<n>\S+) ids\.", _l("must be at most %(n)s ids.")),
    (r"must be at most (?P<n>\S+)\.", _l("must be at most %(n)s.")),
    (r"must be between (?P<low>\S+) and (?P<high>\S+)\.", _l("must be between %(low)s and %(high)s.")),
    (r"must be one of (?P<choices>.*)\.", _l("must be one of %(choices)s.")),
    (r"is nested deeper than this request allows \((?P<n>\d+) levels\)\.",
     _l("is nested deeper than this request allows (%(n)s levels).")),
)]

SUBJECTS = {
    "The JSON body": _l("The JSON body"),
    "The query string": _l("The query string"),
    "The request's headers": _l("The request's headers"),
    "The request": _l("The request"),
    "A key in the JSON body": _l("A key in the JSON body"),
}


def problem(message):
    """An English predicate of the schemas, in the request's language; any other text as it is."""
    for pattern, text in _PREDICATES:
        match = pattern.fullmatch(message)
        if match:
            return str(text) % match.groupdict()
    return message


def sentence(name, message):
    """'"name" predicate' (or "Subject: Message" for a message of its own)."""
    if message[:1].islower():
        return _("%(name)s %(problem)s", name=name, problem=problem(message))
    return _("%(name)s: %(problem)s", name=name, problem=message)


def subject(text):
    return str(SUBJECTS.get(text, text))


def not_valid():
    return _("The request is not valid.")
