"""An EA's proof of performance: the attached MetaTrader report, read once at
upload by goldcoin.reports and stored with the EA (EAPerformance).

The reader's JSON is stored as it is (decimal strings exactly as the report
states them), so the EA's `performance` in the API is the body that
`POST /api/v1/reports/parse` answers for the same file, plus what the
community adds: where the figures come from, the checks, the fingerprint."""
import hashlib
from decimal import Decimal

from sqlalchemy import and_, or_, select

from goldcoin.reports import ReportError, fingerprint, read_report

from .models import FIGURES_TYPED, REPORT_READ, REPORT_UNREAD, EAPerformance, ExpertAdvisor

FORMAT_NAMES = {
    "mt4_tester": "MetaTrader 4 Strategy Tester report",
    "mt4_statement": "MetaTrader 4 account statement",
    "mt5_tester": "MetaTrader 5 Strategy Tester report",
    "mt5_history": "MetaTrader 5 trade history report",
}
# Figures that are money in the account currency, or pips in a pips report.
MONEY = ("initial_deposit", "net_profit", "gross_profit", "gross_loss", "expected_payoff", "max_drawdown")
_SORT_LIMITS = {"profit_factor": Decimal("1e12"), "max_drawdown_pct": Decimal("1e6")}


def read_attached(data):
    """(EAPerformance, report or None) for uploaded report bytes. A file the
    reader refuses is still kept (source "unread", with the reader's reason):
    a moderator may verify it with an override."""
    digest = hashlib.sha256(data).hexdigest()
    try:
        report = read_report(data)
    except ReportError as exc:
        return EAPerformance(source=REPORT_UNREAD, read_error=str(exc)[:500], report_sha256=digest), None
    body = report.to_json()
    curve = body.pop("balance_curve")
    warnings = body.pop("warnings")
    perf = EAPerformance(
        source=REPORT_READ, format=report.format, encoding=report.encoding[:40], fingerprint=fingerprint(report),
        report_sha256=digest, figures=body, balance_curve=curve, warnings=warnings,
        checks_passed=report.checks_passed,
        profit_factor=_sort_key(report.profit_factor, "profit_factor"),
        max_drawdown_pct=_sort_key(report.max_drawdown_pct, "max_drawdown_pct"),
    )
    return perf, report


def typed(ea, report_perf=None):
    """The proof of an EA whose figures were typed: the unread report's row,
    or a row that only says so."""
    perf = report_perf or EAPerformance(source=FIGURES_TYPED)
    perf.profit_factor, perf.max_drawdown_pct = ea.profit_factor, ea.max_drawdown_pct
    return perf


def _sort_key(value, name):
    # A figure too large for the sort column sorts as unknown rather than failing the upload.
    if value is None or abs(value) >= _SORT_LIMITS[name]:
        return None
    return value


def claim_key(perf):
    """What a paid verification claims, so the same report never pays twice."""
    if perf is None or perf.source == FIGURES_TYPED:
        return None
    if perf.source == REPORT_READ:
        return f"trades:{perf.fingerprint}"
    return f"file:{perf.report_sha256}" if perf.report_sha256 else None


def same_report(session, ea):
    """The other EAs (oldest first) carrying the same report: the same trades
    (fingerprint) or the same file."""
    perf = ea.performance
    if perf is None or perf.source == FIGURES_TYPED:
        return []
    same = [EAPerformance.fingerprint == perf.fingerprint] if perf.fingerprint else []
    if perf.report_sha256:
        same.append(EAPerformance.report_sha256 == perf.report_sha256)
    if not same:
        return []
    return list(session.scalars(
        select(ExpertAdvisor).join(EAPerformance, EAPerformance.ea_id == ExpertAdvisor.id)
        .where(and_(ExpertAdvisor.id != ea.id, or_(*same))).order_by(ExpertAdvisor.id)
    ))


def unit(perf):
    """What money figures are counted in: "pips", a currency code, or ""."""
    if perf is None or not perf.machine_read:
        return ""
    return perf.figures.get("currency") or ""


def shown(ea):
    """The figures a page shows for an EA: the report's when it was
    machine-read (None where the report does not state one), else the typed ones."""
    perf = ea.performance
    if perf is not None and perf.machine_read:
        f = perf.figures
        return {
            "machine_read": True, "unit": unit(perf), "net_profit": f.get("net_profit"),
            "profit_factor": f.get("profit_factor"), "max_drawdown_pct": f.get("max_drawdown_pct"),
            "trades": f.get("total_trades"), "win_rate": f.get("win_rate_pct"),
        }
    return {
        "machine_read": False, "unit": "", "net_profit": str(ea.net_profit), "profit_factor": str(ea.profit_factor),
        "max_drawdown_pct": str(ea.max_drawdown_pct), "trades": ea.trades, "win_rate": str(ea.win_rate),
    }


def performance_json(perf):
    """`performance` of the EA's JSON (API.md "Performance reports"); None
    when no report was attached (the EA's own figures were typed)."""
    if perf is None or perf.source == FIGURES_TYPED:
        return None
    body = {key: None for key in (
        "format", "symbol", "period", "initial_deposit", "net_profit", "gross_profit", "gross_loss",
        "profit_factor", "expected_payoff", "max_drawdown", "max_drawdown_pct", "total_trades", "win_rate_pct",
        "currency", "started_at", "ended_at")}
    body.update(perf.figures or {})
    body.update(
        source=perf.source, machine_read=perf.machine_read, checks_passed=perf.checks_passed,
        read_error=perf.read_error, fingerprint=perf.fingerprint,
        balance_curve=perf.balance_curve or [], warnings=perf.warnings or [],
    )
    return body
