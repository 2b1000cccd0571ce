"""Each consistency check, on real reports edited by hand to break it, and
never on the honest originals (tests/reports/test_real_reports.py)."""
from decimal import Decimal

from goldcoin.reports import read_report
from goldcoin.reports.checks import run_checks
from tests.reports import synth
from tests.reports.helpers import STATEMENT, ZVER_GBP, edit


def codes(data):
    return read_report(data).warning_codes


def test_final_balance_of_the_deals_table_edited():
    # The stop-out deal's balance raised by 200: the table no longer ends at
    # deposit + net profit.
    data = edit(ZVER_GBP, "<td>-4 719.90</td><td>-31.70</td>", "<td>-4 719.90</td><td>168.30</td>")
    warnings = read_report(data).warnings
    assert [w.code for w in warnings] == ["final_balance_mismatch", "profit_in_pips"]
    assert "168.30" in warnings[0].message and "-31.70" in warnings[0].message


def test_net_profit_edited_in_the_summary():
    data = edit(ZVER_GBP, "<b>-3 031.70</b>", "<b>-2 031.70</b>")
    assert codes(data) == ["net_profit_mismatch", "final_balance_mismatch", "profit_in_pips"]


def test_profit_factor_edited():
    data = edit(ZVER_GBP, "<b>0.51</b>", "<b>0.91</b>")
    assert codes(data) == ["profit_factor_mismatch", "profit_in_pips"]


def test_trade_count_edited():
    data = edit(ZVER_GBP, "<b>140</b>", "<b>139</b>")
    assert codes(data) == ["trade_count_mismatch", "profit_in_pips"]


def test_a_deal_removed_from_the_table():
    # Delete the last deal row: one trade fewer than the summary counts, and
    # the balance ends before the stop-out.
    body = edit(ZVER_GBP, "so -10.57%", "so -10.57%")  # unchanged copy, to find the row
    text = body[2:].decode("utf-16-le")
    start = text.rindex("<tr", 0, text.rindex("so -10.57%"))  # the deal, not the order
    end = text.index("</tr>", start) + len("</tr>")
    data = b"\xff\xfe" + (text[:start] + text[end:]).encode("utf-16-le")
    assert codes(data) == ["final_balance_mismatch", "trade_count_mismatch", "profit_in_pips"]


def test_statement_balance_edited():
    data = edit(STATEMENT, "<b>264.68</b>", "<b>1264.68</b>")
    assert codes(data) == ["final_balance_mismatch"]


def test_statement_trade_profit_edited():
    # One closed trade's profit changed: its rows no longer add up to the
    # balance and net profit the statement states.
    row = '<td class=mspt>-0.14</td><td class=mspt>0.00</td><td class=mspt>-0.12</td><td class=mspt>0.06</td></tr>'
    data = edit(STATEMENT, row, row.replace("0.06</td></tr>", "50.06</td></tr>"))
    assert codes(data) == ["final_balance_mismatch"]


def test_mt4_tester_edited():
    assert read_report(synth.mt4_tester("fr").encode("cp1252")).warning_codes == []
    assert codes(synth.mt4_tester("fr", net="500.00").encode("cp1252")) == [
        "net_profit_mismatch", "final_balance_mismatch"]
    balances = [f"{Decimal(10000) + i:.2f}" for i in range(1, 6)]
    assert codes(synth.mt4_tester("ru", balances=balances).encode("cp1251")) == ["final_balance_mismatch"]


def test_pips_report_is_flagged_to_be_shown_as_pips():
    rep = read_report(edit(ZVER_GBP, "<b>profit in pips</b>", "<b>profit in pips</b>"))
    assert rep.currency == "pips" and rep.warning_codes == ["profit_in_pips"]
    assert rep.checks_passed  # pips is a display note, not a failed check
    usd = read_report(edit(ZVER_GBP, "<b>profit in pips</b>", "<b>USD</b>"))
    assert usd.currency == "USD" and usd.warning_codes == []


def figures(**kw):
    base = {"has_table": True, "trades": (), "balance_curve": (), "total_trades": 0}
    return {**base, **{k: Decimal(v) if isinstance(v, str) else v for k, v in kw.items()}}


def test_profit_factor_is_compared_to_the_reports_rounding():
    # 100.00 / 300.00 = 0.3333...: only 0.33 can be printed from it.
    ok = figures(profit_factor="0.33", gross_profit="100.00", gross_loss="-300.00", net_profit="-200.00")
    assert [w.code for w in run_checks(ok)] == []
    bad = figures(profit_factor="0.34", gross_profit="100.00", gross_loss="-300.00", net_profit="-200.00")
    assert [w.code for w in run_checks(bad)] == ["profit_factor_mismatch"]
    # Rounded inputs can honestly print either neighbour: 1.005 is a tie.
    tie = figures(profit_factor="1.01", gross_profit="100.50", gross_loss="-100.00", net_profit="0.50")
    assert [w.code for w in run_checks(tie)] == []
    no_loss = figures(profit_factor="0.00", gross_profit="10.00", gross_loss="0.00", net_profit="10.00")
    assert [w.code for w in run_checks(no_loss)] == []


def test_missing_figures_and_table_are_reported():
    codes_ = [w.code for w in run_checks({"has_table": False, "trades": ()})]
    assert codes_ == ["figures_missing", "no_trades_table"]
