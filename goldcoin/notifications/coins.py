"""What members hear about their coins besides payments: an award paid (or
capped to nothing), an admin's adjustment with its reason, an EA verified or
rejected, a bounty won or refunded. Each is a notification (bell and live
push, goldcoin.realtime), written in the recipient's language, in the
transaction that caused it (a rolled-back award notifies no one), and
emailed too when the member wants its kind (preferences.KINDS).

The memos quoted here are the ledger's, which name the cause in words
("Verified EA: TrendRider v2").
"""
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from goldcoin.ledger.memos import memo_text

from .preferences import ADMIN, BOUNTIES, CAPPED, CHALLENGES, EARNED, EAS
from .service import notify


def _memo(memo):
    # Worded when the notification is (in the recipient's language), like the text around it.
    return LazyString(memo_text, memo)

HISTORY_URL = "/history"
# Which email preference an award falls under, by the earning rule that paid
# it: an EA verified, a bounty won and a challenge prize have their own kind;
# any other award is routine (EARNED when paid, CAPPED when a limit ate it).
_RULE_KINDS = {"ea_verified": EAS, "bounty": BOUNTIES, "challenge": CHALLENGES}


def coins_earned(session, user_id, coins, what, url=HISTORY_URL, rule=None):
    """`rule`: the code of the earning rule (or occasion) that paid."""
    text = _l("You earned %(coins)s coins: %(what)s", coins=coins, what=_memo(what))
    return notify(session, user_id, text, url, kind=_RULE_KINDS.get(rule, EARNED))


def award_capped(session, user_id, rule_name, what, rule=None):
    """An award paid nothing because the member reached today's cap of its rule."""
    text = _l("%(what)s paid no coins: you reached today's limit for %(rule)s. It resets at midnight UTC.",
             what=_memo(what), rule=rule_name)
    return notify(session, user_id, text, HISTORY_URL, kind=_RULE_KINDS.get(rule, CAPPED))


def coins_adjusted(session, user_id, amount, reason):
    if amount > 0:
        text = _l("An admin gave you %(coins)s coins: %(reason)s", coins=amount, reason=reason)
    else:
        text = _l("An admin took back %(coins)s coins: %(reason)s", coins=-amount, reason=reason)
    return notify(session, user_id, text, HISTORY_URL, kind=ADMIN)


def ea_verified(session, user_id, name, url):
    text = _l("Your EA %(name)s was verified and is in the library.", name=name)
    return notify(session, user_id, text, url, kind=EAS)


def ea_rejected(session, user_id, name, reason, url):
    text = _l("Your EA %(name)s was not verified: %(reason)s", name=name, reason=reason)
    return notify(session, user_id, text, url, kind=EAS)


def bounty_refunded(session, user_id, coins, title, url):
    text = _l("Your bounty on \"%(title)s\" expired with no answer awarded: %(coins)s coins were refunded.",
             title=title, coins=coins)
    return notify(session, user_id, text, url, kind=BOUNTIES)
