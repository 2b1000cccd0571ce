"""What a read report is: the figures as the report states them, the trades
they come from, and the checks that did not pass."""
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Optional

from .numbers import as_text

FORMATS = ("mt4_tester", "mt4_statement", "mt5_tester", "mt5_history")


@dataclass(frozen=True)
class Trade:
    """One closing row of the trades/deals table (what a fingerprint is made of)."""
    time: datetime
    symbol: str
    side: str  # as the table writes it: "buy", "sell", "s/l", "t/p", "close" ...
    volume: Optional[Decimal]
    price: Optional[Decimal]
    profit: Decimal  # the row's own profit column, before commission and swap


@dataclass(frozen=True)
class ReportWarning:
    code: str  # stable, for code and tests: "final_balance_mismatch", ...
    message: str  # for the moderator, in English

    def to_json(self):
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True)
class Report:
    format: str
    symbol: Optional[str]
    period: Optional[str]
    initial_deposit: Optional[Decimal]
    net_profit: Optional[Decimal]
    gross_profit: Optional[Decimal]
    gross_loss: Optional[Decimal]  # always <= 0, whatever sign the report printed
    profit_factor: Optional[Decimal]
    expected_payoff: Optional[Decimal]
    max_drawdown: Optional[Decimal]
    max_drawdown_pct: Optional[Decimal]
    total_trades: Optional[int]
    win_rate_pct: Optional[Decimal]
    currency: Optional[str]  # "USD", ..., "pips", or None where the report does not say (MT4 tester)
    started_at: Optional[datetime]
    ended_at: Optional[datetime]
    balance_curve: tuple = ()  # ((datetime, Decimal), ...) oldest first
    warnings: tuple = ()  # (ReportWarning, ...)
    # Beyond the API figures: what the checks and the fingerprint use.
    encoding: str = ""
    drawdown_basis: Optional[str] = None  # "equity" or "balance" where the report says which
    deposits: Optional[Decimal] = None  # money paid in (and out) rather than traded
    trades: tuple = field(default=(), repr=False)  # (Trade, ...)

    @property
    def warning_codes(self):
        return [w.code for w in self.warnings]

    @property
    def checks_passed(self):
        """True when every consistency check passed (pips is a note, not a failure)."""
        return all(w.code == "profit_in_pips" for w in self.warnings)

    def to_json(self):
        """The body of POST /api/v1/reports/parse, exactly as API.md gives it."""
        return {
            "format": self.format,
            "symbol": self.symbol,
            "period": self.period,
            "initial_deposit": as_text(self.initial_deposit),
            "net_profit": as_text(self.net_profit),
            "gross_profit": as_text(self.gross_profit),
            "gross_loss": as_text(self.gross_loss),
            "profit_factor": as_text(self.profit_factor),
            "expected_payoff": as_text(self.expected_payoff),
            "max_drawdown": as_text(self.max_drawdown),
            "max_drawdown_pct": as_text(self.max_drawdown_pct),
            "total_trades": self.total_trades,
            "win_rate_pct": as_text(self.win_rate_pct),
            "currency": self.currency,
            "started_at": _iso(self.started_at),
            "ended_at": _iso(self.ended_at),
            "balance_curve": [[_iso(t), as_text(b)] for t, b in self.balance_curve],
            "warnings": [w.to_json() for w in self.warnings],
        }


def _iso(value):
    return value.isoformat() if value is not None else None
