"""Consistency checks: a report whose figures disagree with each other or
with its own trades table was most likely edited by hand.

Each failed check is a ReportWarning with a stable code. Figures are only
compared to the precision the report prints them with: MetaTrader computes
from unrounded values and rounds for display, so exact equality of derived
ratios would flag honest reports.
"""
from decimal import ROUND_HALF_UP, Decimal

from .model import ReportWarning
from .numbers import as_text

REQUIRED = ("net_profit", "gross_profit", "gross_loss", "profit_factor", "total_trades")


def run_checks(f):
    """Warnings for the figures dict ``f`` (Report fields plus "has_table")."""
    warnings = []
    warnings += _missing(f)
    warnings += _gross_sum(f)
    warnings += _final_balance(f)
    warnings += _profit_factor(f)
    warnings += _trade_count(f)
    if f.get("currency") == "pips":
        warnings.append(ReportWarning(
            "profit_in_pips",
            "The tester counted profit in pips, not money: show these figures as pips.",
        ))
    return tuple(warnings)


def _missing(f):
    gone = [k for k in REQUIRED if f.get(k) is None]
    out = []
    if gone:
        out.append(ReportWarning("figures_missing", "Could not read: " + ", ".join(gone) + "."))
    if not f.get("has_table"):
        out.append(ReportWarning("no_trades_table", "The report has no trades or deals table to check the figures against."))
    return out


def _gross_sum(f):
    net, gp, gl = f.get("net_profit"), f.get("gross_profit"), f.get("gross_loss")
    if None in (net, gp, gl) or net == gp + gl:
        return []
    return [ReportWarning(
        "net_profit_mismatch",
        f"Total net profit {as_text(net)} is not gross profit {as_text(gp)} plus gross loss {as_text(gl)}.",
    )]


def _final_balance(f):
    curve, deposits, net = f.get("balance_curve"), f.get("deposits"), f.get("net_profit")
    if not curve or deposits is None or net is None:
        return []
    final, expected = curve[-1][1], deposits + net
    out = []
    if final != expected:
        out.append(ReportWarning(
            "final_balance_mismatch",
            f"The trades table ends at a balance of {as_text(final)}, but deposits {as_text(deposits)} "
            f"plus net profit {as_text(net)} make {as_text(expected)}.",
        ))
    stated = f.get("stated_balance")
    if stated is not None and stated != final:
        out.append(ReportWarning(
            "final_balance_mismatch",
            f"The statement gives a balance of {as_text(stated)}, but its deposits and trades make {as_text(final)}.",
        ))
    return out[:1]


def _profit_factor(f):
    pf, gp, gl = f.get("profit_factor"), f.get("gross_profit"), f.get("gross_loss")
    if None in (pf, gp, gl) or gl == 0:
        return []  # no losses: MetaTrader prints a placeholder, not a ratio
    loss = abs(gl)
    # gross profit and loss are themselves rounded: the true ratio lies
    # between these bounds, and the printed factor must round from inside them.
    half = Decimal(1).scaleb(min(gp.as_tuple().exponent, gl.as_tuple().exponent)) / 2
    low = max(gp - half, Decimal(0)) / (loss + half)
    high = (gp + half) / (loss - half) if loss > half else Decimal("Infinity")
    unit = Decimal(1).scaleb(pf.as_tuple().exponent)
    low_shown = low.quantize(unit, rounding=ROUND_HALF_UP)
    if low_shown <= pf and (high.is_infinite() or pf <= high.quantize(unit, rounding=ROUND_HALF_UP)):
        return []
    return [ReportWarning(
        "profit_factor_mismatch",
        f"Profit factor {as_text(pf)} is not gross profit {as_text(gp)} divided by gross loss {as_text(loss)} "
        f"({as_text((gp / loss).quantize(unit, rounding=ROUND_HALF_UP))}).",
    )]


def _trade_count(f):
    total, trades = f.get("total_trades"), f.get("trades")
    if total is None or not f.get("has_table") or len(trades) == total:
        return []
    return [ReportWarning(
        "trade_count_mismatch",
        f"The summary says {total} trades, but the table closes {len(trades)}.",
    )]
