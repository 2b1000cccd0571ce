"""Figures in the forms MetaTrader prints them, read without losing digits."""
from datetime import datetime
from decimal import Decimal

import pytest

from goldcoin.reports.numbers import as_text, find_times, kind_of, parse_amount, parse_amount_pct, parse_time


@pytest.mark.parametrize("text,value", [
    ("3 000.00", "3000.00"), ("-3 031.70", "-3031.70"), ("1,234.56", "1234.56"), ("100\u00a0000.00", "100000.00"),
    ("7 365 602", "7365602"), ("\u22126.20", "-6.20"), ("0.51", "0.51"), ("12,50", "12.50"), ("+5.00", "5.00"),
    ("1 234 567.891", "1234567.891"),
])
def test_amounts_keep_the_reports_digits(text, value):
    assert as_text(parse_amount(text)) == value


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "12 34", "n/a", "1:100", "3 000.00 USD"])
def test_not_amounts(text):
    assert parse_amount(text) is None


@pytest.mark.parametrize("text,amount,pct", [
    ("808.30 (6.34%)", "808.30", "6.34"), ("6.93% (781.31)", "781.31", "6.93"),
    ("4 753.30 (100.67%)", "4753.30", "100.67"), ("87 (62.14%)", "87", "62.14"), ("105 (0.00%)", "105", "0.00"),
])
def test_amount_with_percentage_either_way_round(text, amount, pct):
    got = parse_amount_pct(text)
    assert (as_text(got[0]), as_text(got[1])) == (amount, pct)


def test_kinds_tell_the_summary_layout_apart():
    assert [kind_of(t) for t in ["140", "0.51", "808.30 (6.34%)", "6.93% (781.31)", "87 (62.14%)", "2.33%",
                                 "7 (149.00)", "n/a", "GBPUSD", ""]] == [
        "int", "amount", "amount_pct", "pct_amount", "count_pct", "pct", "amount_paren", "na", None, None]


def test_times():
    assert parse_time("2020.01.04 00:00:00") == datetime(2020, 1, 4)
    assert parse_time("2017.08.10 15:59") == datetime(2017, 8, 10, 15, 59)
    assert find_times("4 Hours (H4)  2017.01.03 00:00 - 2021.12.30 20:00    (2017.01.01 - 2021.12.31)")[:2] == [
        datetime(2017, 1, 3), datetime(2021, 12, 30, 20)]
    assert parse_time("2023.02.30 10:00") is None


def test_decimal_never_float():
    assert isinstance(parse_amount("0.1"), Decimal)
    assert as_text(Decimal("1E+3")) == "1000"
