"""The memos the code writes on transfers, worded for the member who reads them.

A memo is stored in English, the ledger's one language; the history and the
notifications show the known ones in the reader's language.
"""
import re

from flask_babel import lazy_gettext as _l

# The memos the code writes (in English, the ledger's one language), worded for
# the reader: "Quality post: <title>" -> "优质帖子：<title>". The part after the
# prefix is content (a title, a name) and stays as written.
_MEMOS = [(re.compile(pattern), text) for pattern, text in (
    (r"^Verified EA: (?P<rest>.*)$", _l("Verified EA: %(rest)s")),
    (r"^Challenge prize: (?P<rest>.*)$", _l("Challenge prize: %(rest)s")),
    (r"^Quality post: (?P<rest>.*)$", _l("Quality post: %(rest)s")),
    (r"^Accepted answer: (?P<rest>.*)$", _l("Accepted answer: %(rest)s")),
    (r"^Bounty on: (?P<rest>.*)$", _l("Bounty on: %(rest)s")),
    (r"^Bounty won: (?P<rest>.*)$", _l("Bounty won: %(rest)s")),
    (r"^Bounty expired, refunded: (?P<rest>.*)$", _l("Bounty expired, refunded: %(rest)s")),
    (r"^Redeemed: (?P<rest>.*)$", _l("Redeemed: %(rest)s")),
    (r"^Quality post \(forum\): (?P<rest>.*)$", _l("Quality post (forum): %(rest)s")),
    (r"^Accepted answer \(forum\): (?P<rest>.*)$", _l("Accepted answer (forum): %(rest)s")),
    (r"^Quality post \(forum\)$", _l("Quality post (forum)")),
    (r"^Verified EA \(forum\)$", _l("Verified EA (forum)")),
    (r"^Accepted solution \(forum\)$", _l("Accepted solution (forum)")),
    (r"^Bounty \(forum\)$", _l("Bounty (forum)")),
    (r"^Challenge prize \(forum\)$", _l("Challenge prize (forum)")),
    (r"^Referral \(forum\)$", _l("Referral (forum)")),
    (r"^Recharge order #(?P<id>\d+): (?P<coins>\d+) coins \(\+(?P<bonus>\d+) bonus\)$",
     _l("Recharge order #%(id)s: %(coins)s coins (+%(bonus)s bonus)")),
    (r"^Recharge order #(?P<id>\d+): (?P<coins>\d+) coins$", _l("Recharge order #%(id)s: %(coins)s coins")),
    (r"^Referral reward: (?P<name>.*) made their first contribution$",
     _l("Referral reward: %(name)s made their first contribution")),
    (r"^Referral reward: (?P<name>.*) made their first top-up$", _l("Referral reward: %(name)s made their first top-up")),
    (r"^Affiliate share: (?P<name>.*) topped up (?P<coins>\d+) coins$",
     _l("Affiliate share: %(name)s topped up %(coins)s coins")),
)]


def memo_text(memo):
    """A memo the code wrote, in the reader's language; any other memo as written."""
    for pattern, text in _MEMOS:
        match = pattern.match(memo)
        if match:
            return str(text) % match.groupdict()
    return memo
