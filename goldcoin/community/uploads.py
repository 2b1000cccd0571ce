"""Uploaded files that exist only if the row naming them commits.

An upload is written to a staging folder and moved into place (one rename in
the same folder tree) after the transaction that records it commits; when
that transaction, or the savepoint the file was staged in, rolls back, the
staged file is deleted. So a refused or failed upload leaves nothing behind,
and a member cannot fill the disk with uploads that never became rows.
Staged files a crashed process left behind are swept at the next upload.
A file an edit replaces is deleted the same way: after the edit commits, and
not at all when it rolls back (the row still names the old file then).
"""
import logging
import os
import secrets
import time

from sqlalchemy import event
from sqlalchemy.orm import Session, scoped_session

from goldcoin.aftercommit import within_transaction

log = logging.getLogger(__name__)

_KEY = "goldcoin.staged_files"
STAGING = ".staging"
STALE_SECONDS = 3600


def stage_file(session, folder, data, ext):
    """Write `data` for the row `session` is about to commit; returns its
    stored name (the file appears under `folder` once the session commits)."""
    if isinstance(session, scoped_session):
        session = session()
    staging = os.path.join(folder, STAGING)
    os.makedirs(staging, exist_ok=True)
    _sweep(staging)
    name = secrets.token_hex(16) + ext
    staged = os.path.join(staging, name)
    with open(staged, "wb") as fh:
        fh.write(data)
    session.connection()  # a transaction to belong to, begun if none is yet
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_KEY, []).append((transaction, staged, os.path.join(folder, name)))
    return name


def delete_after_commit(session, folder, name):
    """Delete the stored file `name` under `folder` once `session` commits
    (a rolled-back edit keeps it: the row still names it)."""
    if isinstance(session, scoped_session):
        session = session()
    session.connection()
    transaction = session.get_nested_transaction() or session.get_transaction()
    # No staged file: committing deletes `final` instead of moving into it.
    session.info.setdefault(_KEY, []).append((transaction, None, os.path.join(folder, name)))


def _sweep(staging):
    cutoff = time.time() - STALE_SECONDS
    for entry in os.scandir(staging):
        try:
            if entry.stat().st_mtime < cutoff:
                os.unlink(entry.path)
        except OSError:
            pass  # another process swept or moved it


def _delete(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


@event.listens_for(Session, "after_soft_rollback")
def _discard_rolled_back(session, previous_transaction):
    staged = session.info.get(_KEY)
    if not staged:
        return
    keep = []
    for entry in staged:
        if within_transaction(entry[0], previous_transaction):
            if entry[1] is not None:
                _delete(entry[1])
        else:
            keep.append(entry)
    session.info[_KEY] = keep


@event.listens_for(Session, "after_commit")
def _move_committed(session):
    for _, staged, final in session.info.pop(_KEY, None) or ():
        if staged is None:
            _delete(final)
            continue
        try:
            os.replace(staged, final)
        except OSError:  # the row stands; its download answers 404 and the log says why
            log.exception("could not move the committed upload %s into place", final)
