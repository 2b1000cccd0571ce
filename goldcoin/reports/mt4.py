"""MT4 Strategy Tester reports and Detailed Statements.

Tester trades table: #, time, type, order, size, price, S/L, T/P, profit,
balance; only closing rows carry profit and balance. Statement "Closed
Transactions": ticket, open time, type, size, item, price, S/L, T/P, close
time, close price, commission, [taxes,] swap, profit; deposits are
"balance" rows with the amount in the last cell. Both are read by position
and by what the cells hold (times, numbers), so the language does not
matter; trade types ("buy", "s/l", "balance") are English in every terminal.
"""
import re
from collections import Counter
from decimal import Decimal

from .model import Trade
from .numbers import find_times, is_time, parse_amount, parse_amount_pct, parse_int, parse_time
from .summary import by_labels, by_structure, settings, summary_rows, timeframe

_CODE = re.compile(r"^[A-Z]{3,4}$")


def read_tester_rows(rows):
    closes = []
    for row in rows:
        t = row.texts
        if len(t) < 8 or parse_int(t[0]) is None or not is_time(t[1]) or parse_int(t[3]) is None:
            continue
        profit = parse_amount(t[8]) if len(t) > 9 else None
        balance = parse_amount(t[9]) if len(t) > 9 else None
        if profit is None or balance is None:
            continue  # an opening, modifying or deleting row: no money moved
        closes.append((parse_time(t[1]), t[2].lower(), parse_amount(t[4]), parse_amount(t[5]), profit, balance))
    return closes


def read_tester(doc):
    rows = summary_rows(doc.rows)
    text = {**settings(rows, "mt4_tester"), **by_structure(rows, "mt4_tester"), **by_labels(rows, "mt4")}
    closes = read_tester_rows(doc.rows)
    period_text = text.get("period", "")
    span = find_times(period_text)
    deposit = parse_amount(text.get("initial_deposit", ""))
    started = span[0] if span else (closes[0][0] if closes else None)
    curve = ([(started, deposit)] if deposit is not None and started is not None else [])
    curve += [(c[0], c[5]) for c in closes]
    symbol = _first_word(text.get("symbol"))
    figures = _common(text)
    figures.update({
        "symbol": symbol,
        "period": timeframe(period_text),
        "initial_deposit": deposit,
        "currency": None,  # MT4's tester report never states the account currency
        "started_at": started,
        "ended_at": span[1] if len(span) > 1 else (closes[-1][0] if closes else None),
        "balance_curve": tuple(curve),
        "deposits": deposit,
        "trades": tuple(Trade(c[0], symbol or "", c[1], c[2], c[3], c[4]) for c in closes),
        "has_table": bool(closes),
    })
    return figures


def read_statement_rows(rows):
    """(funding, trades): funding as (time, amount), trades as (open, close, item, type, size, price, profit, net)."""
    funding, trades = [], []
    for row in rows:
        t = row.texts
        if len(t) < 4 or not is_time(t[1]):
            continue
        kind = t[2].lower()
        if kind in ("balance", "credit") and len(t) < 12:
            amount = next((parse_amount(x) for x in reversed(t) if x), None)
            if amount is not None and kind == "balance":
                funding.append((parse_time(t[1]), amount))
            continue
        if len(t) >= 13 and is_time(t[8]):
            money = [parse_amount(x) for x in t[10:]]
            if not money or any(v is None for v in money):
                continue  # a cancelled pending order: no money columns
            trades.append((parse_time(t[1]), parse_time(t[8]), t[4], kind, parse_amount(t[3]),
                           parse_amount(t[9]), money[-1], sum(money, Decimal(0))))
    return funding, trades


def read_statement(doc):
    rows = summary_rows(doc.rows)
    text = {**by_structure(rows, "mt4_statement"), **by_labels(rows, "mt4")}
    funding, trades = read_statement_rows(doc.rows)
    stated_balance = parse_amount(text.get("balance", ""))
    stated_deposits = parse_amount(text.get("deposit_withdrawal", ""))
    table_total = sum((a for _, a in funding), Decimal(0)) + sum((tr[7] for tr in trades), Decimal(0))
    opening = Decimal(0)
    if not funding and stated_balance is not None:
        # A statement for a chosen period lists no deposits: the balance it
        # started from is what the stated balance leaves after its trades.
        opening = stated_balance - table_total
    # The balance moves when money is paid in and when a trade closes.
    events = sorted([(t, a) for t, a in funding] + [(tr[1], tr[7]) for tr in trades], key=lambda e: e[0])
    curve, balance = [], opening
    if opening and events:
        curve.append((events[0][0], opening))
    for when, amount in events:
        balance += amount
        curve.append((when, balance))
    items = Counter(tr[2] for tr in trades if tr[2])
    figures = _common(text)
    if figures["net_profit"] is None:
        # A plain (not detailed) statement has no Details block: its closed
        # trade P/L is the net profit it states.
        figures["net_profit"] = parse_amount(text.get("closed_pl", ""))
    gross_loss = figures["gross_loss"]
    if funding:
        deposits = sum((a for _, a in funding), Decimal(0))
        initial = min(funding, key=lambda f: f[0])[1]
    else:
        deposits = opening + (stated_deposits or 0)
        initial = opening if opening else stated_deposits
    figures.update({
        "symbol": ",".join(s for s, _ in items.most_common()) or None,
        "period": None,
        "initial_deposit": initial,
        "stated_balance": stated_balance,
        # Detailed statements print the gross loss without its minus sign.
        "gross_loss": -abs(gross_loss) if gross_loss is not None else None,
        "currency": _statement_currency(text.get("currency")),
        "started_at": min((tr[0] for tr in trades), default=None),
        "ended_at": max((tr[1] for tr in trades), default=None),
        "balance_curve": tuple(curve),
        "deposits": deposits,
        "trades": tuple(Trade(tr[1], tr[2], tr[3], tr[4], tr[5], tr[6]) for tr in trades),
        "has_table": bool(trades or funding),
    })
    return figures


def _common(text):
    dd = parse_amount_pct(text.get("max_drawdown", ""))
    wins = parse_amount_pct(text.get("profit_trades", ""))
    return {
        "net_profit": parse_amount(text.get("net_profit", "")),
        "gross_profit": parse_amount(text.get("gross_profit", "")),
        "gross_loss": parse_amount(text.get("gross_loss", "")),
        "profit_factor": parse_amount(text.get("profit_factor", "")),
        "expected_payoff": parse_amount(text.get("expected_payoff", "")),
        "max_drawdown": dd[0] if dd else None,
        "max_drawdown_pct": dd[1] if dd else None,
        "total_trades": parse_int(text.get("total_trades", "")),
        "win_rate_pct": wins[1] if wins else None,
        "drawdown_basis": None,
    }


def _first_word(value):
    """"XAGUSD" from "XAGUSD (Silver vs US Dollar)"."""
    if not value:
        return None
    word = value.split("(")[0].split()
    return word[0] if word else None


def _statement_currency(value):
    value = (value or "").strip()
    return value if _CODE.match(value) else None
