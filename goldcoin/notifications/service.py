"""notify(): add an in-site notification and, when the member wants its kind by email, queue an email.

Both leave the process only after commit (goldcoin.aftercommit): a rolled-back
order never mails anyone.
"""
from flask import has_app_context
from flask_babel import force_locale
from sqlalchemy import func, select, update

from goldcoin.aftercommit import queue_event
from goldcoin.i18n import language_for
from goldcoin.ledger.models import utcnow

from .compose import compose
from .models import Notification, OutboxEmail
from .preferences import recipient


def notify(session, user_id, text, url=None, email_subject=None, email_body=None, kind=None):
    """Add a notification for the member; flushes, never commits.

    `kind` (preferences.KINDS) decides whether it is emailed too: when the
    member wants that kind by email, an email telling `text` (or
    `email_subject`/`email_body`, when given) with a link to `url` is queued.

    Texts may be lazy (flask_babel.lazy_gettext): they are worded here, in the
    member's language (goldcoin.i18n.language_of), and stored so."""
    saved_language, to = recipient(session, user_id, kind)
    if not has_app_context():
        to = None  # a script on a bare session: no templates or public URL to write an email with
    with force_locale(language_for(user_id, saved_language)):
        text, email_subject, email_body = (None if t is None else str(t) for t in (text, email_subject, email_body))
        mail = compose(text, url, email_subject, email_body, unsubscribe=(user_id, kind)) if to else None
    note = Notification(user_id=user_id, text=text[:500], url=url)
    session.add(note)
    session.flush()
    queue_event(session, "notification_created", {"id": note.id, "user_id": user_id, "text": note.text, "url": url})
    if mail:
        # Kept in the outbox with the cause: a rolled-back order mails no
        # one, and a mail server that is down loses nothing (it is retried).
        row = OutboxEmail(to=to[:254], **mail)
        session.add(row)
        session.flush()
        queue_event(session, "notification_email", {"id": row.id})
    return note


def unread_count(session, user_id):
    return session.scalar(
        select(func.count(Notification.id)).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    ) or 0


def recent(session, user_id, limit=50):
    return session.scalars(
        select(Notification).where(Notification.user_id == user_id).order_by(Notification.id.desc()).limit(limit)
    ).all()


def mark_read(session, user_id, ids=None):
    """Mark the member's notifications (all, or those `ids`) read; returns how many changed."""
    stmt = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if ids is not None:
        stmt = stmt.where(Notification.id.in_(ids))
    return session.execute(stmt.values(read_at=utcnow()), execution_options={"synchronize_session": False}).rowcount


def notification_json(note):
    return {
        "id": note.id,
        "text": note.text,
        "url": note.url,
        "created_at": note.created_at.isoformat() if note.created_at else None,
        "read": note.read_at is not None,
    }
