"""The answer key: every figure of every real report, exactly as it states it.

Figures were read off each file by eye (see tests/data/mt-reports/PROVENANCE.md
for where the files come from); the reader must return them digit for digit.
"""
from datetime import datetime

import pytest

from tests.reports.helpers import HISTORY_BG, HISTORY_EN, STATEMENT, STATEMENT_DEMO, ZVER_GBP, ZVER_XAU, report

KEY = {
    ZVER_GBP: {
        "format": "mt5_tester", "symbol": "GBPUSD", "period": "M15", "initial_deposit": "3000.00",
        "net_profit": "-3031.70", "gross_profit": "3180.60", "gross_loss": "-6212.30", "profit_factor": "0.51",
        "expected_payoff": "-21.65", "max_drawdown": "4756.60", "max_drawdown_pct": "100.67", "total_trades": 140,
        "win_rate_pct": "62.14", "currency": "pips", "started_at": "2020-01-04T00:00:00",
        "ended_at": "2024-01-06T00:00:00",
    },
    ZVER_XAU: {
        "format": "mt5_tester", "symbol": "XAUUSD", "period": "M1", "initial_deposit": "3000.00",
        "net_profit": "-3004.97", "gross_profit": "3901.57", "gross_loss": "-6906.54", "profit_factor": "0.56",
        "expected_payoff": "-3.55", "max_drawdown": "5315.44", "max_drawdown_pct": "100.09", "total_trades": 847,
        "win_rate_pct": "45.81", "currency": "pips", "started_at": "2020-01-04T00:00:00",
        "ended_at": "2024-01-06T00:00:00",
    },
    HISTORY_BG: {
        "format": "mt5_history", "symbol": "EURUSD", "period": None, "initial_deposit": "100000.00",
        "net_profit": "-3.30", "gross_profit": "4.50", "gross_loss": "-7.80", "profit_factor": "0.58",
        "expected_payoff": "-0.18", "max_drawdown": "5.00", "max_drawdown_pct": "0.00", "total_trades": 18,
        "win_rate_pct": "27.78", "currency": "USD", "started_at": "2023-06-08T23:03:00",
        "ended_at": "2023-08-21T09:07:00",
    },
    HISTORY_EN: {
        "format": "mt5_history", "symbol": "USDJPY,GBPUSD,EURUSD,USDCHF", "period": None,
        "initial_deposit": "10000.00", "net_profit": "-50.84", "gross_profit": "157.73", "gross_loss": "-208.57",
        "profit_factor": "0.76", "expected_payoff": "-0.08", "max_drawdown": "58.44", "max_drawdown_pct": "0.58",
        "total_trades": 658, "win_rate_pct": "56.23", "currency": "EUR", "started_at": "2023-06-23T07:53:00",
        "ended_at": "2023-06-26T17:03:00",
    },
    STATEMENT: {
        "format": "mt4_statement", "symbol": "eurgbpi", "period": None, "initial_deposit": "110.00",
        "net_profit": "54.68", "gross_profit": "64.10", "gross_loss": "-9.42", "profit_factor": "6.80",
        "expected_payoff": "0.49", "max_drawdown": "4.14", "max_drawdown_pct": "2.59", "total_trades": 112,
        "win_rate_pct": "73.21", "currency": "USD", "started_at": "2017-10-17T23:20:06",
        "ended_at": "2017-10-18T14:37:47",
    },
    STATEMENT_DEMO: {
        "format": "mt4_statement", "symbol": "eurgbpi,usdchfi,chfjpyi", "period": None, "initial_deposit": "110.00",
        "net_profit": "606.01", "gross_profit": "650.20", "gross_loss": "-44.19", "profit_factor": "14.71",
        "expected_payoff": "2.42", "max_drawdown": "15.12", "max_drawdown_pct": "2.95", "total_trades": 250,
        "win_rate_pct": "75.60", "currency": "USD", "started_at": "2017-10-17T23:20:06",
        "ended_at": "2017-11-07T12:02:22",
    },
}

# First and last point of the balance curve, and how many points it has.
CURVES = {
    ZVER_GBP: (141, ["2020-01-04T00:00:00", "3000.00"], ["2022-05-12T09:04:00", "-31.70"]),
    ZVER_XAU: (848, ["2020-01-04T00:00:00", "3000.00"], ["2023-03-20T07:13:00", "-4.97"]),
    HISTORY_BG: (19, ["2023-06-06T16:41:32", "100000.00"], ["2023-08-21T09:07:00", "99996.70"]),
    HISTORY_EN: (659, ["2023-06-07T11:14:49", "10000.00"], ["2023-06-26T17:03:00", "9949.16"]),
    STATEMENT: (114, ["2017-10-17T23:18:19", "110.00"], ["2017-10-18T14:37:47", "264.68"]),
    STATEMENT_DEMO: (256, ["2017-10-17T23:18:19", "110.00"], ["2017-11-07T12:02:22", "1416.01"]),
}


@pytest.mark.parametrize("name", sorted(KEY))
def test_every_figure_as_the_report_states_it(name):
    body = report(name).to_json()
    figures = {k: v for k, v in body.items() if k not in ("balance_curve", "warnings")}
    assert figures == KEY[name]


@pytest.mark.parametrize("name", sorted(CURVES))
def test_balance_curve_comes_from_the_trades_table(name):
    curve = report(name).to_json()["balance_curve"]
    count, first, last = CURVES[name]
    assert (len(curve), curve[0], curve[-1]) == (count, first, last)
    times = [datetime.fromisoformat(t) for t, _ in curve]
    assert times == sorted(times)


@pytest.mark.parametrize("name", sorted(KEY))
def test_honest_reports_pass_every_check(name):
    rep = report(name)
    expected = ["profit_in_pips"] if KEY[name]["currency"] == "pips" else []
    assert rep.warning_codes == expected
    assert rep.checks_passed


def test_json_has_exactly_the_api_shape():
    body = report(ZVER_GBP).to_json()
    assert list(body) == [
        "format", "symbol", "period", "initial_deposit", "net_profit", "gross_profit", "gross_loss",
        "profit_factor", "expected_payoff", "max_drawdown", "max_drawdown_pct", "total_trades", "win_rate_pct",
        "currency", "started_at", "ended_at", "balance_curve", "warnings",
    ]
    assert isinstance(body["total_trades"], int)
    assert body["warnings"] == [{"code": "profit_in_pips", "message": body["warnings"][0]["message"]}]
    assert all(isinstance(t, str) and isinstance(b, str) for t, b in body["balance_curve"])


def test_mt5_tester_drawdown_is_the_equity_one_and_says_so():
    # MT5 prints balance (4 753.30) and equity (4 756.60) drawdowns; the
    # equity one includes floating losses, as MT4's single figure does.
    rep = report(ZVER_GBP)
    assert (str(rep.max_drawdown), rep.drawdown_basis) == ("4756.60", "equity")
    assert report(HISTORY_BG).drawdown_basis == "balance"


def test_statement_counts_both_deposits():
    rep = report(STATEMENT)
    assert str(rep.deposits) == "210.00"  # Deposit/Withdrawal in its summary
    assert len(rep.trades) == 112
