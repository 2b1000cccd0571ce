"""How pages show moments, prices and the product's own words, per language
(Babel): Jinja filters registered by goldcoin.i18n.

- `when`: a moment in the member's time zone ("Dec 2, 2026, 9:05 AM",
  "2026年12月2日 09:05"); `day`: its date only.
- `money(currency)`: a fiat price the local way: "¥22.00" in Chinese, the
  ISO code in English ("CNY 22.00"), since "CN¥" and "$" are ambiguous there.
- `label`: a status or kind the code stores ("pending", "earn.post_quality")
  in words; an unknown one is shown as stored.
Coin amounts stay plain integers everywhere.
"""
from decimal import Decimal

from babel.numbers import UnknownCurrencyError, format_currency
from flask_babel import format_date, format_time, get_locale
from flask_babel import lazy_gettext as _l

# Words for the values the code stores. Keep keys as stored; add freely.
LABELS = {
    # recharge orders
    "pending": _l("pending"),
    "completed": _l("completed"),
    "failed": _l("failed"),
    "expired": _l("expired"),
    # EAs ("ea.<status>" where the word differs from an order's)
    "ea.pending": _l("awaiting review"),
    "verified": _l("verified"),
    "rejected": _l("rejected"),
    # challenges, bounties
    "open": _l("open"),
    "paid": _l("paid"),
    "awarded": _l("awarded"),
    "refunded": _l("refunded"),
    # transfer kinds
    "recharge": _l("Recharge"),
    "redeem": _l("Redemption"),
    "purchase": _l("EA purchase"),
    "adjustment": _l("Adjustment"),
    "bounty.escrow": _l("Bounty held in escrow"),
    "bounty.refund": _l("Bounty refunded"),
    "earn.bounty": _l("Bounty won"),
    "earn.post_quality": _l("Quality post"),
    "earn.ea_verified": _l("Verified EA"),
    "earn.solution": _l("Accepted answer"),
    "earn.challenge": _l("Challenge prize"),
    "earn.referral": _l("Referral reward"),
    "earn.affiliate": _l("Referral share"),
    "earn.discourse_like": _l("Liked forum post"),
    "earn.discourse_solution": _l("Accepted forum answer"),
    # leaderboard periods
    "all": _l("All time"),
    "month": _l("This month"),
    "week": _l("This week"),
    # roles, token scopes
    "member": _l("member"),
    "moderator": _l("moderator"),
    "admin": _l("admin"),
}


# Reward kinds and token scopes, for the admin's choice lists.
KIND_LABELS = {
    "content_access": _l("Content access"),
    "group": _l("Group"),
    "title": _l("Title"),
    "badge": _l("Badge"),
    "privilege": _l("Privilege"),
    "booster": _l("Booster"),
}
SCOPE_LABELS = {"events": _l("Events API"), "admin": _l("Admin API")}


def label(value, kind=None):
    """`kind` picks a word of its own where one is listed ("ea" -> "ea.pending")."""
    if value is None:
        return ""
    text = LABELS.get(f"{kind}.{value}") if kind else None
    text = text if text is not None else LABELS.get(str(value))
    return str(text) if text is not None else str(value)


def when(moment):
    """Date and time in the member's zone; naive moments are UTC."""
    if moment is None:
        return ""
    return f"{format_date(moment, 'medium')} {format_time(moment, 'short')}"


def day(moment):
    if moment is None:
        return ""
    return format_date(moment, "medium")


def money(amount, currency):
    """A fiat price: "¥22.00" (zh_CN), "CNY 22.00" (en). A currency Babel does
    not know (a token such as USDT) is the amount and its code."""
    if amount is None:
        return ""
    value = Decimal(str(amount))
    locale = get_locale()
    try:
        if locale is not None and locale.language == "zh":
            return format_currency(value, currency, locale=locale)
        return format_currency(value, currency, format="¤¤\u00a0#,##0.00", locale=locale or "en", currency_digits=True)
    except UnknownCurrencyError:
        return f"{value.normalize():f} {currency}"


def init_app(app):
    app.jinja_env.filters.update(label=label, when=when, day=day, money=money)
