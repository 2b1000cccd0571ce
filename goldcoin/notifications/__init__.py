"""In-site notifications and email, sent only after the database commit."""
from .service import notify, unread_count  # noqa: F401
