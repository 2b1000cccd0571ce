"""The strings that scripts in static/js show, from the catalogue: every page
carries them in the language of the request as JSON in <body data-i18n>
(CSP allows no inline script), and `goldcoin.t(key, values)` reads them.
Placeholders are %(name)s, as in the Python catalogue."""
from flask_babel import lazy_gettext as _l

from .formats import LABELS

MESSAGES = {
    # store.js: the redeem modal and page
    "redeem.insufficient_funds": _l("Not enough coins for %(name)s. Earn or recharge coins first."),
    "redeem.out_of_stock": _l("Sorry, %(name)s is out of stock."),
    "redeem.limit_reached": _l("You have reached the limit for %(name)s."),
    "redeem.not_found": _l("%(name)s is no longer available."),
    "redeem.unauthorized": _l("Please log in again."),
    "redeem.pending": _l("Redeeming %(name)s..."),
    "redeem.done": _l("You have successfully redeemed %(name)s! New balance: %(balance)s coins."),
    "redeem.network": _l("Network error; try again (you will not be charged twice)."),
    "error.generic": _l("Something went wrong."),
    # payments.js: recharge and checkout
    "recharge.creating": _l("Creating your order..."),
    "recharge.created": _l("Your payment is being processed. Please follow the instructions."),
    "recharge.refused": _l("Could not create the order (HTTP %(status)s)."),
    "recharge.network": _l("Network error; please try again."),
    "recharge.enter_coins": _l("Enter a number of coins."),
    "recharge.whole": _l("Coins are whole: enter a whole number, e.g. %(example)s."),
    "recharge.range": _l("A custom amount is %(low)s to %(high)s coins."),
    "checkout.copied": _l("Copied"),
    # referral.js: the invite page's copy button
    "referral.copied": _l("Link copied."),
    "referral.copy_by_hand": _l("Could not copy: the link is selected, copy it with Ctrl+C (or long-press on a phone)."),
    # live.js: live updates
    "rank.this_month": _l("#%(rank)s this month"),
    "rank.none": _l("not ranked this month"),
    "leaderboard.empty": _l("Nobody has earned coins yet."),
    # history.js, admin-dashboard.js: charts
    "chart.max": _l("max %(value)s"),
    "chart.error": _l("Could not load the figures: %(error)s"),
    "dashboard.minted": _l("minted"),
    "dashboard.sold": _l("sold"),
    "dashboard.sunk": _l("sunk"),
}


def messages():
    """key -> text in this request's language; order statuses as "status.<value>"."""
    texts = {key: str(text) for key, text in MESSAGES.items()}
    texts.update({f"status.{key}": str(LABELS[key]) for key in ("pending", "completed", "failed", "expired")})
    return texts
