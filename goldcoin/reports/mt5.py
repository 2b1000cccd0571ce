"""MT5 Strategy Tester reports and Trade History Reports.

Both end in a Deals table. Its columns are found by position, not by the
header's words: time, deal, symbol, type, direction, volume, price, order
from the left; comment, balance, profit, swap from the right (the history
report adds Fee and a hidden Costs column in the middle). Deal types and
directions ("buy", "balance", "in", "out") are English in every language.
"""
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Optional

from .labels import MT5_DIRECTIONS, MT5_EXIT_DIRECTIONS, MT5_FUNDING_TYPES, PIPS_WORDS, normalize_label
from .model import Trade
from .numbers import find_times, is_time, parse_amount, parse_amount_pct, parse_int, parse_time
from .summary import by_labels, by_structure, settings, summary_rows, timeframe

_CODE = re.compile(r"^[A-Z]{3,4}$")
_ACCOUNT = re.compile(r"^\d+\s*\(\s*([A-Z]{3,4})\s*,")


@dataclass(frozen=True)
class Deal:
    time: datetime
    symbol: str
    type: str
    direction: str
    volume: Optional[Decimal]
    price: Optional[Decimal]
    money: Decimal  # commission + fee + swap + profit: what the deal did to the balance
    profit: Decimal
    balance: Decimal


def read_deals(rows):
    deals = []
    for row in rows:
        t = row.texts
        if len(t) < 12 or not is_time(t[0]) or t[4].lower() not in MT5_DIRECTIONS or not t[3]:
            continue
        profit, balance = parse_amount(t[-3]), parse_amount(t[-2])
        if profit is None or balance is None:
            continue
        money = sum((v for v in (parse_amount(x) for x in t[8:-2]) if v is not None), Decimal(0))
        deals.append(Deal(
            time=parse_time(t[0]), symbol=t[2], type=t[3].lower(), direction=t[4].lower(),
            volume=parse_amount(t[5]), price=parse_amount(t[6]), money=money, profit=profit, balance=balance,
        ))
    return deals


def read(doc, layout):
    """The figures of an MT5 report as a dict of Report fields."""
    rows = summary_rows(doc.rows)
    labelled = by_labels(rows, "mt5")
    structural = by_structure(rows, layout)
    if layout == "mt5_tester":
        structural = {**settings(rows, layout), **structural}
    text = {**structural, **labelled}

    deals = read_deals(doc.rows)
    funding = [d for d in deals if d.type in MT5_FUNDING_TYPES]
    trading = [d for d in deals if d.type not in MT5_FUNDING_TYPES]
    exits = [d for d in trading if d.direction in MT5_EXIT_DIRECTIONS]

    deposit = parse_amount(text.get("initial_deposit", ""))
    if deposit is None and funding:
        deposit = funding[0].profit
    if layout == "mt5_tester":
        symbol = text.get("symbol") or _main_symbol(trading)
        period_text = text.get("period", "")
        period = timeframe(period_text)
        span = find_times(period_text)
        currency = _currency(text.get("currency"))
    else:
        symbol = _main_symbol(trading)
        period = None
        span = [trading[0].time, trading[-1].time] if trading else []
        currency = _account_currency(doc.rows)

    dd, basis = None, None
    for key, name in (("equity_dd_max", "equity"), ("balance_dd_max", "balance"), ("max_drawdown", "balance")):
        dd = parse_amount_pct(text.get(key, ""))
        if dd:
            basis = name
            break
    wins = parse_amount_pct(text.get("profit_trades", ""))
    gross_loss = parse_amount(text.get("gross_loss", ""))
    return {
        "symbol": symbol or None,
        "period": period,
        "initial_deposit": deposit,
        "net_profit": parse_amount(text.get("net_profit", "")),
        "gross_profit": parse_amount(text.get("gross_profit", "")),
        "gross_loss": -abs(gross_loss) if gross_loss is not None else None,
        "profit_factor": parse_amount(text.get("profit_factor", "")),
        "expected_payoff": parse_amount(text.get("expected_payoff", "")),
        "max_drawdown": dd[0] if dd else None,
        "max_drawdown_pct": dd[1] if dd else None,
        "total_trades": parse_int(text.get("total_trades", "")),
        "win_rate_pct": wins[1] if wins else None,
        "currency": currency,
        "started_at": span[0] if span else None,
        "ended_at": span[1] if len(span) > 1 else None,
        "balance_curve": tuple(_curve(deals)),
        "drawdown_basis": basis if dd else None,
        "deposits": sum((d.profit for d in funding), Decimal(0)) if funding else deposit,
        "trades": tuple(Trade(d.time, d.symbol, d.type, d.volume, d.price, d.profit) for d in exits),
        "has_table": bool(deals),
    }


def _curve(deals):
    """One point per deal that can move the balance: skip entries that did not."""
    points, last = [], None
    for d in deals:
        if last is None or d.balance != last or d.direction in MT5_EXIT_DIRECTIONS or d.type in MT5_FUNDING_TYPES:
            points.append((d.time, d.balance))
            last = d.balance
    return points


def _main_symbol(trading):
    counts = Counter(d.symbol for d in trading if d.symbol)
    # A multi-symbol account lists its symbols, most traded first.
    return ",".join(s for s, _ in counts.most_common()) or None


def _currency(value):
    if not value:
        return None
    value = value.strip()
    if _CODE.match(value):
        return value
    norm = normalize_label(value)
    if any(word in norm for word in PIPS_WORDS) or not _CODE.match(value.upper()):
        # MT5 writes either a currency code or its "profit in pips" phrase.
        return "pips"
    return value.upper()


def _account_currency(rows):
    """"USD" from the history header "5014131788 (USD, MetaQuotes-Demo, demo, Hedge)"."""
    for row in rows[:20]:
        for text in row.texts:
            match = _ACCOUNT.match(text)
            if match:
                return match.group(1)
    return None
