"""Reuse detection: the same trades give the same fingerprint, however the
report was saved; different trades give different ones."""
import pytest

from goldcoin.reports import fingerprint, read_report
from tests.reports import synth
from tests.reports.helpers import HISTORY_BG, HISTORY_EN, STATEMENT, STATEMENT_DEMO, ZVER_GBP, ZVER_XAU, edit, report


def test_fingerprint_is_stable():
    # Stored fingerprints are compared across releases: changing how one is
    # made must bump fingerprint.VERSION and be a deliberate migration.
    assert fingerprint(report(HISTORY_BG)) == "03e870ca661b47785a694ab23ca05fc4516549a2ad3325e023828fa763fcee17"


def test_every_real_report_has_its_own_fingerprint():
    names = [ZVER_GBP, ZVER_XAU, HISTORY_BG, HISTORY_EN, STATEMENT, STATEMENT_DEMO]
    prints = {fingerprint(report(n)) for n in names}
    assert len(prints) == len(names)
    assert all(len(p) == 64 for p in prints)


def test_editing_the_summary_keeps_the_trades_fingerprint():
    # Someone who polishes the figures of a reused report is still caught.
    edited = read_report(edit(ZVER_GBP, "<b>0.51</b>", "<b>1.51</b>"))
    assert fingerprint(edited) == fingerprint(report(ZVER_GBP))


def test_one_trade_changed_is_another_report():
    edited = read_report(edit(ZVER_GBP, "<td>-4 719.90</td><td>-31.70</td>", "<td>-4 718.90</td><td>-30.70</td>"))
    assert fingerprint(edited) != fingerprint(report(ZVER_GBP))


@pytest.mark.parametrize("lang,code_page", [("fr", "cp1252"), ("ru", "cp1251"), ("ja", "cp932"), ("xx", "utf-8")])
def test_same_trades_in_another_language_match(lang, code_page):
    english = read_report(synth.mt4_tester("en").encode("cp1252"))
    assert fingerprint(read_report(synth.mt4_tester(lang).encode(code_page))) == fingerprint(english)


def test_different_trades_differ():
    other = list(synth.TRADES)
    other[2] = other[2][:-1] + ("74.00",)
    assert fingerprint(read_report(synth.mt4_tester("en", trades=other).encode())) != fingerprint(
        read_report(synth.mt4_tester("en").encode()))
