"""What members hear about their coins besides payments: an award paid (or
capped to nothing), an admin's adjustment with its reason, an EA verified or
rejected, a bounty won or refunded. Each is a notification (bell and live
push, goldcoin.realtime), written in the recipient's language, in the
transaction that caused it (a rolled-back award notifies no one).

The memos quoted here are the ledger's, which name the cause in words
("Verified EA: TrendRider v2").
"""
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from goldcoin.auth.models import User

from .service import notify

HISTORY_URL = "/history"


def _in_language_of(session, user_id):
    language = session.scalar(select(User.language).where(User.id == user_id))
    return force_locale(language or "en")


def coins_earned(session, user_id, coins, what, url=HISTORY_URL):
    with _in_language_of(session, user_id):
        text = _("You earned %(coins)s coins: %(what)s", coins=coins, what=what)
    return notify(session, user_id, text, url)


def award_capped(session, user_id, rule_name, what):
    """An award paid nothing because the member reached today's cap of its rule."""
    with _in_language_of(session, user_id):
        text = _("%(what)s paid no coins: you reached today's limit for %(rule)s. It resets at midnight UTC.",
                 what=what, rule=rule_name)
    return notify(session, user_id, text, HISTORY_URL)


def coins_adjusted(session, user_id, amount, reason):
    with _in_language_of(session, user_id):
        if amount > 0:
            text = _("An admin gave you %(coins)s coins: %(reason)s", coins=amount, reason=reason)
        else:
            text = _("An admin took back %(coins)s coins: %(reason)s", coins=-amount, reason=reason)
    return notify(session, user_id, text, HISTORY_URL)


def ea_verified(session, user_id, name, url):
    with _in_language_of(session, user_id):
        text = _("Your EA %(name)s was verified and is in the library.", name=name)
    return notify(session, user_id, text, url)


def ea_rejected(session, user_id, name, reason, url):
    with _in_language_of(session, user_id):
        text = _("Your EA %(name)s was not verified: %(reason)s", name=name, reason=reason)
    return notify(session, user_id, text, url)


def bounty_refunded(session, user_id, coins, title, url):
    with _in_language_of(session, user_id):
        text = _("Your bounty on \"%(title)s\" expired with no answer awarded: %(coins)s coins were refunded.",
                 title=title, coins=coins)
    return notify(session, user_id, text, url)
