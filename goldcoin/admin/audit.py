"""Write audit entries. Like every service function: add and flush, never commit."""
import datetime as _dt
import decimal

from sqlalchemy import inspect

from .models import AdminAction


def _plain(value):
    """A JSON-safe form of a column value."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def record(session, actor_id, action, target="", **details):
    entry = AdminAction(actor_id=actor_id, action=action, target=target, details=_plain(details))
    session.add(entry)
    session.flush()
    return entry


def target_of(model):
    """"ModelName:pk" of an ORM object."""
    identity = inspect(model).identity
    pk = ",".join(str(v) for v in identity) if identity else "new"
    return f"{type(model).__name__}:{pk}"


def pending_changes(model):
    """{column: [old, new]} of the columns changed on `model` and not yet flushed."""
    state = inspect(model)
    changes = {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old != new:
            changes[attr.key] = [old, new]
    return changes


def snapshot(model):
    """{column: value} of an ORM object (for deletions)."""
    state = inspect(model)
    return {attr.key: getattr(model, attr.key) for attr in state.mapper.column_attrs}


SENSITIVE = ("password_hash", "token_hash")


def redact(values):
    return {k: ("<redacted>" if k in SENSITIVE else v) for k, v in values.items()}
