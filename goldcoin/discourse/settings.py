"""The integration's settings: the admin's row (instance URL, which events to
honour) over the environment's defaults (DISCOURSE_URL); secrets only ever
from the environment (app config), never from the database."""
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .errors import MalformedDelivery
from .models import DiscourseConfig


def _saved_row(session):
    return session.scalar(select(DiscourseConfig).order_by(DiscourseConfig.id))


def config_row(session):
    """The one settings row, created with every event honoured (for the admin's form)."""
    row = _saved_row(session)
    if row is not None:
        return row
    try:
        with session.begin_nested():
            session.add(DiscourseConfig(id=1))
    except IntegrityError:
        pass  # created concurrently
    return _saved_row(session)


def honours(session, event_name):
    """Whether Gold Coin acts on `event_name`: every event, until an admin saves otherwise."""
    row = _saved_row(session)
    return True if row is None else row.honours(event_name)


def normalize_instance(url):
    """"https://Forum.example.com/" -> "https://forum.example.com": the form
    X-Discourse-Instance (Discourse.base_url) and the admin's setting compare in.
    Raises ValueError for anything that is not an http(s) URL."""
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)  # ValueError for e.g. an unclosed IPv6 bracket
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r} is not an http(s) URL")
    netloc = parts.hostname.lower() + (f":{parts.port}" if parts.port else "")
    normalized = f"{parts.scheme.lower()}://{netloc}{parts.path.rstrip('/')}"
    if len(normalized) > 255:
        raise ValueError("the URL is longer than 255 characters")
    return normalized


def instance_url(session, default=""):
    """The forum's base URL: the admin's value when set, else DISCOURSE_URL."""
    row = _saved_row(session)  # read only: a page asking must not write
    value = ((row.instance_url if row else "") or "").strip() or (default or "")
    try:
        return normalize_instance(value)
    except ValueError:
        return ""  # a broken setting connects to nothing rather than somewhere wrong


def delivery_instance(header):
    try:
        return normalize_instance(header)
    except ValueError:
        raise MalformedDelivery("X-Discourse-Instance is not an http(s) URL.") from None
