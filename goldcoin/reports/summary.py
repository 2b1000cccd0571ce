"""The summary block of a report, read two ways.

1. By label: a cell whose text is a known label (labels.py, any language)
   gives its figure in the next cell that says something.
2. By structure: MetaTrader lays the summary out the same way in every
   language, so once the row holding net profit, gross profit and gross
   loss is found (the one where net == gross profit + gross loss, true in
   every report), the other figures sit at fixed places around it.

Labels win where both answer; the structure fills whatever the labels did
not (a language missing from labels.py, or a label MetaQuotes reworded).
"""
import re
from dataclasses import dataclass

from .labels import TIMEFRAMES, label_key
from .numbers import is_time, kind_of, parse_amount, parse_amount_pct, parse_int

_TF = "|".join(sorted(TIMEFRAMES, key=len, reverse=True))
_MT4_PERIOD = re.compile(r"\((" + _TF + r")\)")
_MT5_PERIOD = re.compile(r"^(" + _TF + r")\s*\(\s*\d{4}\.\d\d\.\d\d\s*-\s*\d{4}\.\d\d\.\d\d\s*\)")
_LEVERAGE = re.compile(r"^1\s*:\s*\d+$")

NUMERIC_KEYS = {"initial_deposit", "net_profit", "gross_profit", "gross_loss", "profit_factor",
                "expected_payoff", "deposit_withdrawal", "balance", "closed_pl"}
PAIR_KEYS = {"max_drawdown", "balance_dd_max", "equity_dd_max", "profit_trades"}


@dataclass(frozen=True)
class Pair:
    row: int
    label: str
    value: str
    kind: str


def summary_rows(rows):
    """Rows of the summary blocks: no cell is a lone time (those are trades)."""
    return [r for r in rows if not any(is_time(t) for t in r.texts)]


def row_pairs(row):
    """Label/value pairs of one row: each value takes the nearest label before it."""
    pairs, label = [], None
    for text in row.texts:
        if not text:
            continue
        kind = kind_of(text)
        if kind is None:
            label = text
            continue
        pairs.append(Pair(row.index, label or "", text, kind))
        label = None
    return pairs


def by_labels(rows, family):
    """{key: text} from the known labels, first readable occurrence of each."""
    found = {}
    for row in rows:
        texts = row.texts
        for i, text in enumerate(texts):
            # MT5 ends every summary label with a colon; its table headers
            # ("Symbol", "Balance") have none and must not be read as labels.
            if family == "mt5" and not text.rstrip().endswith((":", "：")):
                continue
            key, value = label_key(text, family), None
            if key is not None:
                value = next((t for t in texts[i + 1:] if t), None)
            elif ":" in text or "：" in text:
                # MT4 statements print "Currency: USD" in a single cell.
                head, _, tail = text.replace("：", ":").partition(":")
                key, value = label_key(head, family), tail.strip()
            if key is None or not value or key in found:
                continue
            if _readable(key, value):
                found[key] = value
    return found


def _readable(key, value):
    if key in NUMERIC_KEYS:
        return parse_amount(value) is not None
    if key == "total_trades":
        return parse_int(value) is not None
    if key in PAIR_KEYS:
        return parse_amount_pct(value) is not None
    return True


def by_structure(rows, layout):
    """{key: text} from the fixed layout of "mt4_tester", "mt4_statement",
    "mt5_tester" or "mt5_history"; empty when no anchor row is found."""
    prow = [p for p in (row_pairs(r) for r in rows) if p]
    found = _statement_summary(prow) if layout == "mt4_statement" else {}
    k = _anchor(prow, layout)
    if k is None:
        return found
    if layout == "mt5_tester":
        net, gp, gl = prow[k - 2][0], prow[k - 1][0], prow[k][0]
        if len(prow[k - 1]) >= 3:
            found["balance_dd_max"], found["equity_dd_max"] = prow[k - 1][1].value, prow[k - 1][2].value
    elif layout == "mt4_statement":
        gp, gl, net = prow[k][0:3]
    else:
        net, gp, gl = prow[k][0:3]
        if layout == "mt4_tester" and k >= 1:
            found["initial_deposit"] = prow[k - 1][0].value
    found.update(net_profit=net.value, gross_profit=gp.value, gross_loss=gl.value)
    if k + 1 < len(prow) and len(prow[k + 1]) >= 2:
        found["profit_factor"], found["expected_payoff"] = prow[k + 1][0].value, prow[k + 1][1].value
    after = prow[k + 1:]
    if layout != "mt5_tester":
        for pairs in after:
            kinds = [p.kind for p in pairs]
            # Absolute, maximal "808.30 (6.34%)", relative "6.93% (781.31)"; a
            # statement in yen prints the maximal one without decimals.
            for i in range(1, len(pairs) - 1):
                if kinds[i] in ("amount_pct", "count_pct") and kinds[i + 1] == "pct_amount":
                    found["max_drawdown"] = pairs[i].value
                    break
            if "max_drawdown" in found:
                break
    for i, pairs in enumerate(after):
        if len(pairs) >= 3 and pairs[0].kind == "int" and pairs[1].kind == pairs[2].kind == "count_pct":
            found["total_trades"] = pairs[0].value
            if i + 1 < len(after):
                wins = [p for p in after[i + 1] if p.kind == "count_pct"]
                if wins:
                    found["profit_trades"] = wins[0].value
            break
    return found


def _statement_summary(prow):
    """Deposit/Withdrawal, Closed Trade P/L and Balance: the first figures of
    three rows in a row, where balance == deposits + closed P/L."""
    for k in range(2, len(prow)):
        d, c, b = prow[k - 2][0], prow[k - 1][0], prow[k][0]
        if all(p.label and p.kind in ("amount", "int") for p in (d, c, b)):
            if parse_amount(b.value) == parse_amount(d.value) + parse_amount(c.value):
                return {"deposit_withdrawal": d.value, "closed_pl": c.value, "balance": b.value}
    return {}


def _anchor(prow, layout):
    for k, pairs in enumerate(prow):
        if layout == "mt5_tester":
            if k >= 2 and _sums(prow[k - 2][0], prow[k - 1][0], pairs[0]):
                return k
        elif len(pairs) >= 3:
            a, b, c = pairs[0:3]
            if layout == "mt4_statement" and _sums(c, a, b, loss_unsigned=True):
                return k
            if layout != "mt4_statement" and _sums(a, b, c):
                return k
    return None


def _sums(net, gp, gl, loss_unsigned=False):
    """net == gross profit + gross loss, with the signs MetaTrader gives them."""
    # Totals rows under the trade tables hold bare numbers; summary figures
    # always stand beside a label.
    if not all(p.kind in ("amount", "int") and p.label for p in (net, gp, gl)):
        return False
    n, p, lo = parse_amount(net.value), parse_amount(gp.value), parse_amount(gl.value)
    if p < 0:
        return False
    if loss_unsigned:
        # Detailed statements print the gross loss as a positive figure.
        return n == p - abs(lo)
    return lo <= 0 and n == p + lo


def settings(rows, layout):
    """Symbol, period and (MT5 tester) currency and deposit from the settings
    rows, found by what their values look like rather than by their labels."""
    found = {}
    two = [r for r in rows if len(r.filled) == 2]
    for i, row in enumerate(two):
        value = row.filled[1]
        if layout == "mt4_tester" and "period" not in found and _MT4_PERIOD.search(value):
            found["period"] = value
            if i > 0:
                found["symbol"] = two[i - 1].filled[1]
        if layout == "mt5_tester":
            if "period" not in found and _MT5_PERIOD.match(value):
                found["period"] = value
                if i > 0:
                    found["symbol"] = two[i - 1].filled[1]
            if "initial_deposit" not in found and i + 1 < len(two) and parse_amount(value) is not None \
                    and _LEVERAGE.match(two[i + 1].filled[1]):
                found["initial_deposit"] = value
                if i > 0:
                    found["currency"] = two[i - 1].filled[1]
    return found


def timeframe(period_text):
    """"M15" from "M15 (2020.01.04 - 2024.01.06)" or "4 Hours (H4) 2017...", else None."""
    if not period_text:
        return None
    match = _MT5_PERIOD.match(period_text) or _MT4_PERIOD.search(period_text)
    return match.group(1) if match else None
