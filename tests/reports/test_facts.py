"""Figures of real reports whose repositories carry no licence: the files are
not copied here, only what they state, written down as facts.

Set GOLDCOIN_MT_REPORTS_EXTRA to a folder holding copies (any file names;
they are found by SHA-256) to check the reader against them; without it
these tests skip. The figures were read off each file by eye.
"""
import hashlib
import os
from pathlib import Path

import pytest

from goldcoin.reports import read_report

FACTS = {
    # urinethrower/Project-Deities e274700cff9196f2ebb61046bd692db4a061207c StrategyTester.htm: MT4 tester, English
    "b3d73ecbd850809ca0edfbd35fbd4eb387f5ea74a0e1cd7783f2909838457fbd": {
        "format": "mt4_tester", "symbol": "XAGUSD", "period": "H4", "initial_deposit": "10000.00",
        "net_profit": "2583.59", "gross_profit": "6286.71", "gross_loss": "-3703.12", "profit_factor": "1.70",
        "expected_payoff": "30.40", "max_drawdown": "808.30", "max_drawdown_pct": "6.34", "total_trades": 85,
        "win_rate_pct": "72.94", "currency": None, "started_at": "2017-01-03T00:00:00",
        "ended_at": "2021-12-30T20:00:00", "warnings": [],
    },
    # PanPip/MQL4_experts f1f127d67ba94412e26ca85900d164d8bfb756ce StrategyTester.htm: MT4 tester, Russian, cp1251
    "83409b79732bedb23dde1f68cbaf76715b3d146720b83695d2ff97a5b89364fd": {
        "format": "mt4_tester", "symbol": "GBPUSD", "period": "D1", "initial_deposit": "200.00",
        "net_profit": "755.67", "gross_profit": "1078.54", "gross_loss": "-322.87", "profit_factor": "3.34",
        "expected_payoff": "8.69", "max_drawdown": "67.73", "max_drawdown_pct": "12.12", "total_trades": 87,
        "win_rate_pct": "62.07", "currency": None, "started_at": "2018-01-02T00:00:00",
        "ended_at": "2018-04-03T00:00:00", "warnings": [], "encoding": "cp1251",
    },
    # reuniware/JCSPatterns_MT4_Bot 3d2e11f8c5b1ee903475827b9f82d893ddbca2ee StrategyTester.htm: MT4 tester, French, cp1252
    "415ef086a4921cbb1fafaa140ef8414e542af22c95b01e57dc42a36955e281da": {
        "format": "mt4_tester", "symbol": "GBPJPY", "period": "H1", "initial_deposit": "10000.00",
        "net_profit": "-6960.07", "gross_profit": "1662.97", "gross_loss": "-8623.04", "profit_factor": "0.19",
        "expected_payoff": "-497.15", "max_drawdown": "7566.78", "max_drawdown_pct": "71.34", "total_trades": 14,
        "win_rate_pct": "92.86", "currency": None, "started_at": "2018-01-02T07:00:00",
        "ended_at": "2018-04-27T20:00:00", "warnings": [], "encoding": "cp1252",
    },
    # ubertrading/DummyMTStatement 0e60c6050ceb98323f5640275ff464a38a5b6983 StrategyTester.htm: MT4 tester, English
    "05c87eeb27d1cd32916be437fe43366dfcb033407d853c4325223f96e472530c": {
        "format": "mt4_tester", "symbol": "USDJPY", "period": "M5", "initial_deposit": "10000.00",
        "net_profit": "-1071.49", "gross_profit": "1424.16", "gross_loss": "-2495.65", "profit_factor": "0.57",
        "expected_payoff": "-1.46", "max_drawdown": "1133.97", "max_drawdown_pct": "11.33", "total_trades": 733,
        "win_rate_pct": "85.95", "currency": None, "started_at": "2024-12-30T02:20:00",
        "ended_at": "2025-05-30T00:00:00", "warnings": [],
    },
    # KotaroHashimoto/pricetag 08546dcffa4c9922631c646f314418294e80aefe DetailedStatement.htm: MT4 statement,
    # a Japanese broker's own labels, cp932, yen without decimals, a chosen period (no deposit rows)
    "fe250c78185d3eabbfcef9cbf0e66e968e4f122ec73898ca85cd6a2216b37412": {
        "format": "mt4_statement", "symbol": "usdjpy-cd", "initial_deposit": "7364635", "net_profit": "967",
        "gross_profit": "1080", "gross_loss": "-113", "profit_factor": "9.56", "expected_payoff": "193.40",
        "max_drawdown": "105", "max_drawdown_pct": "0.00", "total_trades": 5, "win_rate_pct": "60.00",
        "currency": "JPY", "warnings": [], "encoding": "cp932",
    },
    # tianyeshiye/FX 28a946c77a010d16696f998ceef503d432444907 DetailedStatement.htm: MT4 statement, JPY, "838 124"
    "25118e570f3121f7fbd1d56f1cf678284d7dc1fb17567395c19f920a5883a03b": {
        "format": "mt4_statement", "initial_deposit": "200000", "net_profit": "-348604", "gross_profit": "838124",
        "gross_loss": "-1186728", "profit_factor": "0.71", "expected_payoff": "-197.96", "max_drawdown": "439196",
        "max_drawdown_pct": "219.43", "total_trades": 1761, "win_rate_pct": "75.41", "currency": "JPY",
        "warnings": [],
    },
    # tianyeshiye/FX 28a946c77a010d16696f998ceef503d432444907 Statement.htm: a plain statement (no Details block)
    "887fa67c5c1acecde3097489f8db3ba2b717974abd1a25486c38e36c242f41e4": {
        "format": "mt4_statement", "net_profit": "-103107", "gross_profit": None, "currency": "JPY",
        "warning_codes": ["figures_missing"],
    },
    # ubertrading/DummyMTStatement 0e60c6050ceb98323f5640275ff464a38a5b6983 Statement.htm: made by a
    # "dummy statement" EA; its balance (420 995.72) is not deposits plus closed P/L.
    "55f566e5c3fb11b9aa993dca5516a02a7a7d162b95c5f479a3f31fd5e59b5647": {
        "format": "mt4_statement", "net_profit": "90066.64", "currency": "EUR",
        "warning_codes": ["figures_missing", "final_balance_mismatch"],
    },
}


def _copies():
    folder = os.environ.get("GOLDCOIN_MT_REPORTS_EXTRA")
    found = {}
    if folder and Path(folder).is_dir():
        for path in Path(folder).iterdir():
            if path.is_file():
                found[hashlib.sha256(path.read_bytes()).hexdigest()] = path
    return found


COPIES = _copies()


@pytest.mark.parametrize("digest", sorted(FACTS))
def test_unlicensed_report_figures(digest):
    if digest not in COPIES:
        pytest.skip("no copy of this report in GOLDCOIN_MT_REPORTS_EXTRA")
    rep = read_report(COPIES[digest].read_bytes())
    body = rep.to_json()
    for key, value in FACTS[digest].items():
        if key == "encoding":
            assert rep.encoding == value
        elif key == "warning_codes":
            assert rep.warning_codes == value
        else:
            assert body[key] == value, key
