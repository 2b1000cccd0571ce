"""The EA library: uploads with their proof of performance (the MetaTrader
report, read by goldcoin.reports; see performance.py), moderators' verification
that pays for a machine-read report once, purchases."""
import os
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from goldcoin.auth.models import ADMIN, MODERATOR, User
from goldcoin.core.audit import record
from goldcoin.earning import AwardResult, award
from goldcoin.earning.settings import get_int
from goldcoin.ledger import InsufficientFunds
from goldcoin.ledger.models import utcnow
from goldcoin.notifications import coins as notices
from goldcoin.notifications.preferences import REVIEW
from goldcoin.notifications.service import notify
from goldcoin.store.purchases import buy_item

from . import performance
from .models import PENDING, REJECTED, VERIFIED, ExpertAdvisor, PaidReport
from .permissions import ea_item_key
from .service import CommunityError
from .status import EA_REVIEW
from .uploads import delete_after_commit, stage_file

EA_EXTENSIONS = (".ex4", ".ex5", ".mq4", ".mq5", ".zip")
# Compiled EAs and MQL sources have no registered media type of their own.
# (Flask adds "; charset=utf-8" to a text/* type itself: naming it here sent it twice.)
_CONTENT_TYPES = {".zip": "application/zip", ".mq4": "text/plain", ".mq5": "text/plain"}


def content_type(filename):
    """The media type an EA file is served with (always as an attachment)."""
    return _CONTENT_TYPES.get(os.path.splitext(filename or "")[1].lower(), "application/octet-stream")
REPORT_EXTENSIONS = (".htm", ".html", ".pdf", ".png", ".jpg", ".jpeg", ".zip", ".txt")
TIMEFRAMES = ("M1", "M5", "M15", "M30", "H1", "H4", "D1", "W1", "MN1")


def _ext(name, allowed, what):
    ext = os.path.splitext(name or "")[1].lower()
    if ext not in allowed:
        raise CommunityError(_("%(what)s must be one of: %(value)s.", what=what, value=' '.join(allowed)))
    return ext


def _decimal(value, name, minimum=None, maximum=None):
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise CommunityError(_("%(name)s must be a number.", name=name)) from None
    if not number.is_finite():
        raise CommunityError(_("%(name)s must be a number.", name=name))
    if minimum is not None and number < minimum:
        raise CommunityError(_("%(name)s must be at least %(minimum)s.", name=name, minimum=minimum))
    if maximum is not None and number > maximum:
        raise CommunityError(_("%(name)s must be at most %(maximum)s.", name=name, maximum=maximum))
    return number.quantize(Decimal("0.01"))


# The columns are 32-bit integers: a larger number must be refused here, not
# overflow in the database (SQLite raised OverflowError, a 500).
INT_MAX = 2**31 - 1


def _int(value, name, minimum=0, maximum=INT_MAX):
    try:
        number = int(str(value).strip())
    except ValueError:
        raise CommunityError(_("%(name)s must be a whole number.", name=name)) from None
    if number < minimum:
        raise CommunityError(_("%(name)s must be at least %(minimum)s.", name=name, minimum=minimum))
    if number > maximum:
        raise CommunityError(_("%(name)s must be at most %(maximum)s.", name=name, maximum=maximum))
    return number


def _text(value, name, max_length, required=True):
    value = (value or "").strip()
    if required and not value:
        raise CommunityError(_("%(name)s is required.", name=name))
    if len(value) > max_length:
        raise CommunityError(_("%(name)s must be at most %(max_length)s characters.", name=name, max_length=max_length))
    return value


def _save(session, upload_folder, data, ext):
    # Staged: the file is moved into place when the EA's row commits, and
    # deleted when it does not (uploads.py).
    return stage_file(session, os.path.join(upload_folder, "eas"), data, ext)


def file_path(upload_folder, stored_name):
    return os.path.join(upload_folder, "eas", stored_name)


def _typed_figures(ea, *, symbol=None, timeframe=None, period=None, net_profit=None, profit_factor=None,
                   max_drawdown_pct=None, trades=None, win_rate=None):
    """The figures the author typed: only for an EA without a readable report."""
    timeframe = (timeframe or "").strip().upper()
    if timeframe not in TIMEFRAMES:
        raise CommunityError(_("Timeframe must be one of %(value)s.", value=', '.join(TIMEFRAMES)))
    ea.symbol = _text(symbol, _l("Symbol"), 20).upper()
    ea.timeframe = timeframe
    ea.period = _text(period, _l("Period"), 60)
    ea.net_profit = _decimal(net_profit, _l("Net profit"), Decimal("-1e11"), Decimal("1e11"))
    ea.profit_factor = _decimal(profit_factor, _l("Profit factor"), Decimal(0), Decimal("999999"))
    ea.max_drawdown_pct = _decimal(max_drawdown_pct, _l("Max drawdown %"), Decimal(0), Decimal(100))
    ea.trades = _int(trades, _l("Trades"))
    ea.win_rate = _decimal(win_rate, _l("Win rate %"), Decimal(0), Decimal(100))


def _listed(value, limit):
    """A report's figure in the EA's own (rounded, NOT NULL) column; the exact
    figure, or None where the report does not state it, is in EAPerformance."""
    if value is None:
        return Decimal("0.00")
    return max(-limit, min(limit, value)).quantize(Decimal("0.01"))


def _report_figures(ea, report, timeframe):
    """The EA's listed figures from a machine-read report (typed figures are not used)."""
    symbols = (report.symbol or "").split(",")
    symbol = symbols[0]
    for more in symbols[1:]:  # an account report lists every symbol: keep what fits
        if len(symbol) + 1 + len(more) > 20:
            break
        symbol += "," + more
    chosen = (timeframe or "").strip().upper()
    ea.symbol = symbol[:20]
    # Account reports do not say the timeframe: the author's choice stands.
    ea.timeframe = report.period[:10] if report.period else (chosen if chosen in TIMEFRAMES else "")
    ea.period = " to ".join(f"{t:%Y-%m-%d}" for t in (report.started_at, report.ended_at) if t)[:60]
    ea.net_profit = _listed(report.net_profit, Decimal("999999999999.99"))
    ea.profit_factor = _listed(report.profit_factor, Decimal("999999.99"))
    ea.max_drawdown_pct = _listed(report.max_drawdown_pct, Decimal("9999.99"))
    ea.trades = report.total_trades or 0
    ea.win_rate = _listed(report.win_rate_pct, Decimal("100"))


def _proof_of(session, ea, upload_folder, report_name, report_data, timeframe, typed_figures):
    """The EA's figures and a new EAPerformance (not yet added) from an
    attached report, or from the typed figures when it cannot be read."""
    perf = report = None
    if report_data:
        report_ext = _ext(report_name, REPORT_EXTENSIONS, _l("The report file"))
        perf, report = performance.read_attached(report_data)
    if report is not None:
        _report_figures(ea, report, timeframe)
    else:
        try:
            _typed_figures(ea, timeframe=timeframe, **typed_figures)
        except CommunityError as exc:
            if perf is None:
                raise
            raise CommunityError(_("The report could not be read: %(read_error)s Attach the report as MetaTrader "
                                   "saved it, or type the EA's figures (%(problem)s)",
                                   read_error=perf.read_error, problem=exc)) from None
        perf = performance.typed(ea, perf)
    if report_data:
        ea.report_original_name = os.path.basename(report_name)[:200]
        ea.report_file_name = _save(session, upload_folder, report_data, report_ext)
    return perf


def _check_sizes(session, file_data, report_data):
    limit = get_int(session, "ea_max_upload_bytes")
    if (file_data and len(file_data) > limit) or (report_data and len(report_data) > limit):
        raise CommunityError(_("Files may be at most %(value)s KiB.", value=limit // 1024), "payload_too_large")


def upload_ea(session, user, upload_folder, *, name, description, file_name, file_data, symbol=None,
              timeframe=None, period=None, net_profit=None, profit_factor=None, max_drawdown_pct=None, trades=None,
              win_rate=None, price_coins=0, is_premium=False, report_name=None, report_data=None):
    """Store an uploaded EA (pending verification). `file_data` is bytes.

    A report (`report_data`) is read here: when the reader can read it, its
    figures, curve, checks and fingerprint are the EA's and typed figures are
    ignored. Without a readable report the typed figures are required: an EA
    may still be shared with a screenshot or a PDF, but its figures then rest
    on the author's word and verifying it needs a moderator's override."""
    ext = _ext(file_name, EA_EXTENSIONS, _l("The EA file"))
    if not file_data:
        raise CommunityError(_("The EA file is empty."))
    _check_sizes(session, file_data, report_data)
    ea = ExpertAdvisor(
        author_id=user.id,
        name=_text(name, _l("Name"), 120),
        description=_text(description, _l("Description"), 5000, required=False),
        original_name=os.path.basename(file_name)[:200],
        price_coins=_int(price_coins or 0, _l("Price")),
        is_premium=bool(is_premium),
        file_name="",
    )
    perf = _proof_of(session, ea, upload_folder, report_name, report_data, timeframe, dict(
        symbol=symbol, period=period, net_profit=net_profit, profit_factor=profit_factor,
        max_drawdown_pct=max_drawdown_pct, trades=trades, win_rate=win_rate))
    ea.file_name = _save(session, upload_folder, file_data, ext)
    session.add(ea)
    session.flush()
    perf.ea_id = ea.id
    session.add(perf)
    session.flush()
    _tell_moderators(session, ea, _l("New EA submitted for review: %(name)s", name=ea.name))
    return ea


def _tell_moderators(session, ea, text):
    """Every moderator and admin but the EA's author hears of an EA waiting in
    the queue; the link lands on its entry there. `text` is lazy, so each
    reads it in their own language."""
    reviewers = session.scalars(select(User.id).where(User.role.in_((MODERATOR, ADMIN)), User.is_banned.is_(False),
                                                      User.id != ea.author_id)).all()
    for user_id in reviewers:
        notify(session, user_id, text, f"/community/eas/queue#queue-{ea.id}", kind=REVIEW)


def may_resubmit(user, ea):
    """Only the author, only a rejected EA. A pending EA may be on a
    moderator's screen (what they verify must be what they looked at); a
    verified one was paid for and may have buyers."""
    return bool(user and user.is_authenticated and user.id == ea.author_id and ea.status == REJECTED)


def resubmit_ea(session, user, ea, upload_folder, *, name, description, file_name=None, file_data=None,
                timeframe=None, price_coins=0, is_premium=False, report_name=None, report_data=None, **typed):
    """The author edits their rejected EA and sends it back to the moderators'
    queue (pending); `typed` are upload_ea's typed figures.

    A new file or report replaces the old one (deleted once the edit
    commits); without one, the current one stays, and with the report its
    proof. The last rejection reason stays on the EA until the next review,
    so the moderator sees what the edit answers. The verification reward is
    keyed by the EA ("earn:ea_verified:ea:<id>"), so however often an EA is
    rejected and resubmitted, its verification pays at most once."""
    if user.id != ea.author_id:
        raise CommunityError(_("Only the EA's author can edit it."), "forbidden")
    if ea.status != REJECTED:
        raise CommunityError(_("Only a rejected EA can be edited and resubmitted."), "conflict")
    if file_data or file_name:
        ext = _ext(file_name, EA_EXTENSIONS, _l("The EA file"))
        if not file_data:
            raise CommunityError(_("The EA file is empty."))
    _check_sizes(session, file_data, report_data)
    ea.name = _text(name, _l("Name"), 120)
    ea.description = _text(description, _l("Description"), 5000, required=False)
    ea.price_coins = _int(price_coins or 0, _l("Price"))
    ea.is_premium = bool(is_premium)
    old_perf, folder = ea.performance, os.path.join(upload_folder, "eas")
    replaced = []
    if report_data:
        replaced.append(ea.report_file_name)
        perf = _proof_of(session, ea, upload_folder, report_name, report_data, timeframe, typed)
    elif old_perf is not None and old_perf.machine_read:
        perf = None  # the report stays, and so do its figures; only a timeframe it does not state may change
        chosen = (timeframe or "").strip().upper()
        if not old_perf.figures.get("period") and chosen in TIMEFRAMES:
            ea.timeframe = chosen
    else:  # typed figures (beside an unreadable report or none): the author may correct them
        _typed_figures(ea, timeframe=timeframe, **typed)
        perf = performance.typed(ea, old_perf)  # an unread report's row keeps its reason and digest
    if file_data:
        replaced.append(ea.file_name)
        ea.original_name = os.path.basename(file_name)[:200]
        ea.file_name = _save(session, upload_folder, file_data, ext)
    if perf is not None and perf is not old_perf:
        if old_perf is not None:
            session.delete(old_perf)  # one proof per EA: the new report's replaces it
            session.flush()
        perf.ea_id = ea.id
        session.add(perf)
    session.flush()
    # Compare-and-set from rejected: of two concurrent resubmissions one moves it.
    EA_REVIEW.transition(session, ea, PENDING)
    for stored in filter(None, replaced):
        delete_after_commit(session, folder, stored)
    record(session, user.id, "ea.resubmit", f"ExpertAdvisor:{ea.id}", last_reject_reason=ea.reject_reason)
    _tell_moderators(session, ea, _l("Rejected EA edited and resubmitted for review: %(name)s", name=ea.name))
    return ea


def _review(session, moderator, ea, status, reason=None):
    if not moderator.is_moderator:
        raise CommunityError(_("Moderators only."), "forbidden")
    EA_REVIEW.transition(session, ea, status, reject_reason=reason, reviewed_by_id=moderator.id, reviewed_at=utcnow())


def verify_ea(session, moderator, ea, override_reason=None, now=None):
    """Verify a pending EA; its author earns the verified-EA reward once.

    It pays only for a machine-read report, or, when the report could not be
    read (or none was attached), with a moderator's written `override_reason`
    (kept on the EA's proof and in the audit log). A report that already paid
    for another EA's verification never pays again: the paid report's key is
    a primary key (PaidReport), so of two concurrent verifications of EAs
    carrying one report, the second insert waits for the first transaction
    and then fails; that EA is verified and paid nothing
    (AwardResult reason "report_reused")."""
    _review(session, moderator, ea, VERIFIED)  # first: a reviewed EA is refused as such
    perf = ea.performance
    override_reason = _text(override_reason, _l("Override reason"), 255, required=False)
    if (perf is None or not perf.machine_read) and not override_reason:
        # Raised after the UPDATE: the caller's rollback (the request's, a savepoint's) undoes it.
        raise CommunityError(_("This EA has no machine-read report: verify it with an override and a written "
                               "reason, or reject it."))
    if perf is None:  # uploaded before proofs were stored
        perf = performance.typed(ea)
        perf.ea_id = ea.id
        session.add(perf)
    if override_reason and not perf.machine_read:
        perf.override_reason, perf.override_by_id = override_reason, moderator.id
        record(session, moderator.id, "ea.verify_override", f"ExpertAdvisor:{ea.id}", reason=override_reason,
               source=perf.source, read_error=perf.read_error)
    key = performance.claim_key(perf)
    if key is not None:
        try:
            with session.begin_nested():
                session.add(PaidReport(key=key, ea_id=ea.id))
        except IntegrityError:
            return AwardResult(0, "report_reused", None)
    result = award(
        session,
        ea.author_id,
        "ea_verified",
        object_key=f"ea:{ea.id}",
        memo=f"Verified EA: {ea.name[:80]}",
        reference=f"ea:{ea.id}",
        now=now,
        actor_id=moderator.id,
    )
    if key is not None and not result.paid:
        # Nothing paid (rule disabled, cap): the report has not been paid for.
        session.execute(delete(PaidReport).where(PaidReport.key == key))
    if result.reason not in ("paid", "partially_capped", "capped"):
        # award() told the author of a payment or a cap; otherwise say it here.
        notices.ea_verified(session, ea.author_id, ea.name, f"/community/eas/{ea.id}")
    return result


def reject_ea(session, moderator, ea, reason):
    reason = _text(reason, _l("Reason"), 255)
    _review(session, moderator, ea, REJECTED, reason)
    notices.ea_rejected(session, ea.author_id, ea.name, reason, f"/community/eas/{ea.id}")


def buy_ea(session, buyer, ea):
    """The member buys a priced EA once; the author gets their share."""
    try:
        return buy_item(session, buyer.id, ea_item_key(ea), ea.author_id, ea.price_coins, title=f"EA {ea.name}")
    except InsufficientFunds:
        raise CommunityError(
            f"{ea.name} costs {ea.price_coins} coins, more than you have. Top up on the Recharge page.",
            "insufficient_funds",
        ) from None
