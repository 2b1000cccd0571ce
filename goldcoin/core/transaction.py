"""The one transaction boundary (Indico's `RH.process`).

A request commits once, after its view returned a successful response, and
rolls back on anything else: an exception, an error page, a 4xx/5xx answer.
A CLI command of the `goldcoin` group commits once when it returns and rolls
back when it raises. Domain functions only `flush`.

Explicit `commit()` calls elsewhere are the exceptions, each commented: a
provider call that must sit between two transactions (creating a recharge
order) and batch commands that commit item by item.
"""
import functools

import click
from flask import g
from flask.cli import AppGroup, with_appcontext

from goldcoin.extensions import db

from .errors import DomainError

_DONE = "_goldcoin_transaction_done"
_KEEP = "_goldcoin_keep_on_error"


def rollback_request():
    """End the request's transaction without committing it."""
    db.session.rollback()
    setattr(g, _DONE, True)


def keep_changes_on_error():
    """Commit this request's work even if it answers 4xx: for a record of the
    refusal itself (an audited forged IPN, say), never for the refused work."""
    setattr(g, _KEEP, True)


def _commit(keep_loaded):
    session = db.session()
    if not keep_loaded:
        session.commit()
        return
    # A streamed body (a CSV export, a file) is generated after this commit
    # from rows the view loaded: keep them loaded instead of expiring them.
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def _finish_request(response):
    if g.get(_DONE):
        return response
    setattr(g, _DONE, True)
    if response.status_code < 400 or g.get(_KEEP):
        # A failing commit raises here, so the client sees an error, not a 200
        # for work that was lost.
        _commit(keep_loaded=response.is_streamed)
    else:
        db.session.rollback()
    return response


def run_in_transaction(fn):
    """Wrap a CLI callback: commit when it returns, roll back when it raises.
    A refusal (`DomainError`) ends the command with its message and exit 1."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            result = fn(*args, **kwargs)
        except DomainError as exc:
            db.session.rollback()
            raise click.ClickException(exc.message) from None
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()
        return result

    return wrapper


def init_app(app):
    app.after_request(_finish_request)


class TransactionalGroup(AppGroup):
    """A command group whose every command runs in one transaction: commit
    when it returns, roll back when it raises (or exits non-zero)."""

    def add_command(self, cmd, name=None):
        if cmd.callback is not None and not getattr(cmd.callback, "_goldcoin_transactional", False):
            cmd.callback = with_appcontext(run_in_transaction(cmd.callback))
            cmd.callback._goldcoin_transactional = True
        super().add_command(cmd, name)
