"""The EA library: uploads with performance data, moderators' verification."""
import os
import secrets
from decimal import Decimal, InvalidOperation

from goldcoin.earning import award
from goldcoin.earning.settings import get_int
from goldcoin.ledger import InsufficientFunds
from goldcoin.store.purchases import buy_item
from goldcoin.ledger.models import utcnow

from .models import REJECTED, VERIFIED, ExpertAdvisor
from .permissions import ea_item_key
from .service import CommunityError
from .status import EA_REVIEW

EA_EXTENSIONS = (".ex4", ".ex5", ".mq4", ".mq5", ".zip")
# Compiled EAs and MQL sources have no registered media type of their own.
_CONTENT_TYPES = {".zip": "application/zip", ".mq4": "text/plain; charset=utf-8", ".mq5": "text/plain; charset=utf-8"}


def content_type(filename):
    """The media type an EA file is served with (always as an attachment)."""
    return _CONTENT_TYPES.get(os.path.splitext(filename or "")[1].lower(), "application/octet-stream")
REPORT_EXTENSIONS = (".htm", ".html", ".pdf", ".png", ".jpg", ".jpeg", ".zip", ".txt")
TIMEFRAMES = ("M1", "M5", "M15", "M30", "H1", "H4", "D1", "W1", "MN1")


def _ext(name, allowed, what):
    ext = os.path.splitext(name or "")[1].lower()
    if ext not in allowed:
        raise CommunityError(f"{what} must be one of: {' '.join(allowed)}.")
    return ext


def _decimal(value, name, minimum=None, maximum=None):
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise CommunityError(f"{name} must be a number.") from None
    if not number.is_finite():
        raise CommunityError(f"{name} must be a number.")
    if minimum is not None and number < minimum:
        raise CommunityError(f"{name} must be at least {minimum}.")
    if maximum is not None and number > maximum:
        raise CommunityError(f"{name} must be at most {maximum}.")
    return number.quantize(Decimal("0.01"))


def _int(value, name, minimum=0):
    try:
        number = int(str(value).strip())
    except ValueError:
        raise CommunityError(f"{name} must be a whole number.") from None
    if number < minimum:
        raise CommunityError(f"{name} must be at least {minimum}.")
    return number


def _text(value, name, max_length, required=True):
    value = (value or "").strip()
    if required and not value:
        raise CommunityError(f"{name} is required.")
    if len(value) > max_length:
        raise CommunityError(f"{name} must be at most {max_length} characters.")
    return value


def _save(upload_folder, data, ext):
    folder = os.path.join(upload_folder, "eas")
    os.makedirs(folder, exist_ok=True)
    name = secrets.token_hex(16) + ext
    with open(os.path.join(folder, name), "wb") as fh:
        fh.write(data)
    return name


def file_path(upload_folder, stored_name):
    return os.path.join(upload_folder, "eas", stored_name)


def upload_ea(session, user, upload_folder, *, name, description, file_name, file_data, symbol, timeframe,
              period, net_profit, profit_factor, max_drawdown_pct, trades, win_rate, price_coins=0,
              is_premium=False, report_name=None, report_data=None):
    """Store an uploaded EA (pending verification). `file_data` is bytes."""
    limit = get_int(session, "ea_max_upload_bytes")
    ext = _ext(file_name, EA_EXTENSIONS, "The EA file")
    if not file_data:
        raise CommunityError("The EA file is empty.")
    if len(file_data) > limit or (report_data and len(report_data) > limit):
        raise CommunityError(f"Files may be at most {limit // 1024} KiB.", "payload_too_large")
    timeframe = (timeframe or "").strip().upper()
    if timeframe not in TIMEFRAMES:
        raise CommunityError(f"Timeframe must be one of {', '.join(TIMEFRAMES)}.")
    ea = ExpertAdvisor(
        author_id=user.id,
        name=_text(name, "Name", 120),
        description=_text(description, "Description", 5000, required=False),
        original_name=os.path.basename(file_name)[:200],
        symbol=_text(symbol, "Symbol", 20).upper(),
        timeframe=timeframe,
        period=_text(period, "Period", 60),
        net_profit=_decimal(net_profit, "Net profit", Decimal("-1e11"), Decimal("1e11")),
        profit_factor=_decimal(profit_factor, "Profit factor", Decimal(0), Decimal("999999")),
        max_drawdown_pct=_decimal(max_drawdown_pct, "Max drawdown %", Decimal(0), Decimal(100)),
        trades=_int(trades, "Trades"),
        win_rate=_decimal(win_rate, "Win rate %", Decimal(0), Decimal(100)),
        price_coins=_int(price_coins or 0, "Price"),
        is_premium=bool(is_premium),
        file_name="",
    )
    if report_data:
        report_ext = _ext(report_name, REPORT_EXTENSIONS, "The report file")
        ea.report_original_name = os.path.basename(report_name)[:200]
        ea.report_file_name = _save(upload_folder, report_data, report_ext)
    ea.file_name = _save(upload_folder, file_data, ext)
    session.add(ea)
    session.flush()
    return ea


def _review(session, moderator, ea, status, reason=None):
    if not moderator.is_moderator:
        raise CommunityError("Moderators only.", "forbidden")
    EA_REVIEW.transition(session, ea, status, reject_reason=reason, reviewed_by_id=moderator.id, reviewed_at=utcnow())


def verify_ea(session, moderator, ea, now=None):
    """Verify a pending EA; its author earns the verified-EA reward once."""
    _review(session, moderator, ea, VERIFIED)
    return award(
        session,
        ea.author_id,
        "ea_verified",
        object_key=f"ea:{ea.id}",
        memo=f"Verified EA: {ea.name[:80]}",
        reference=f"ea:{ea.id}",
        now=now,
        actor_id=moderator.id,
    )


def reject_ea(session, moderator, ea, reason):
    _review(session, moderator, ea, REJECTED, _text(reason, "Reason", 255))


def buy_ea(session, buyer, ea):
    """The member buys a priced EA once; the author gets their share."""
    try:
        return buy_item(session, buyer.id, ea_item_key(ea), ea.author_id, ea.price_coins)
    except InsufficientFunds:
        raise CommunityError(
            f"{ea.name} costs {ea.price_coins} coins, more than you have. Top up on the Recharge page.",
            "insufficient_funds",
        ) from None
