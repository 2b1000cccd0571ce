"""The same report in every encoding and language MetaTrader (or a member's
editor) writes must read to the same figures and the same fingerprint."""
import pytest

from goldcoin.reports import fingerprint, read_report
from tests.reports import synth
from tests.reports.helpers import HISTORY_BG, STATEMENT, ZVER_GBP, report, text


def figures(rep):
    body = rep.to_json()
    body.pop("warnings")
    return body


ENCODINGS = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8 with BOM": lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
    "utf-16 le with BOM": lambda t: b"\xff\xfe" + t.encode("utf-16-le"),
    "utf-16 le without BOM": lambda t: t.encode("utf-16-le"),
    "utf-16 be with BOM": lambda t: b"\xfe\xff" + t.encode("utf-16-be"),
    "utf-16 be without BOM": lambda t: t.encode("utf-16-be"),
}


@pytest.mark.parametrize("how", sorted(ENCODINGS))
@pytest.mark.parametrize("name", [ZVER_GBP, HISTORY_BG, STATEMENT])
def test_real_report_reencoded_reads_the_same(name, how):
    again = read_report(ENCODINGS[how](text(name)))
    assert figures(again) == figures(report(name))
    assert again.warning_codes == report(name).warning_codes
    assert fingerprint(again) == fingerprint(report(name))


def test_cyrillic_code_page():
    # The Bulgarian report as a Cyrillic Windows terminal would save it,
    # without a declared charset.
    again = read_report(text(HISTORY_BG).encode("cp1251"))
    assert again.encoding == "cp1251"
    assert figures(again) == figures(report(HISTORY_BG))


@pytest.mark.parametrize("name", [ZVER_GBP, STATEMENT])
def test_western_code_page(name):
    # MT5's UTF-16 report converted to cp1252 by an editor, and the MT4
    # statement as a Western terminal writes it.
    again = read_report(text(name).encode("cp1252"))
    assert figures(again) == figures(report(name))
    assert fingerprint(again) == fingerprint(report(name))


def test_metadata_stripped_still_reads():
    # A report re-saved by a browser or editor can lose its title and
    # generator: the tables alone say which report it is.
    for name in (ZVER_GBP, HISTORY_BG, STATEMENT):
        body = text(name)
        body = body.replace('name="generator"', 'name="x"').replace("<title>", "<title>x ")
        assert figures(read_report(body.encode("utf-8"))) == figures(report(name)), name


def test_declared_charset_is_honoured():
    body = text(HISTORY_BG).replace("<head>", '<head><meta charset="windows-1251">', 1)
    assert read_report(body.encode("cp1251")).encoding == "windows-1251"


# English label -> the same label in another MT5 language (Russian as the
# terminal writes it; "xx" made up, to stand for a language not in labels.py).
RELABEL = {
    "ru": {"Total Net Profit:": "Чистая прибыль:", "Gross Profit:": "Общая прибыль:",
           "Gross Loss:": "Общий убыток:", "Profit Factor:": "Прибыльность:",
           "Expected Payoff:": "Матожидание выигрыша:", "Total Trades:": "Всего трейдов:",
           "Equity Drawdown Maximal:": "Максимальная просадка по средствам:",
           "Profit Trades (% of total):": "Прибыльные трейды (% от всех):", "Symbol:": "Символ:",
           "Period:": "Период:", "Currency:": "Валюта:", "Initial Deposit:": "Начальный депозит:",
           "profit in pips": "прибыль в пунктах"},
    "xx": {"Total Net Profit:": "Zorp:", "Gross Profit:": "Blik:", "Gross Loss:": "Vrum:",
           "Profit Factor:": "Quel:", "Expected Payoff:": "Snad:", "Total Trades:": "Yipo:",
           "Equity Drawdown Maximal:": "Glub:", "Balance Drawdown Maximal:": "Plonk:",
           "Profit Trades (% of total):": "Frim:", "Symbol:": "Tak:", "Period:": "Wen:",
           "Currency:": "Mun:", "Initial Deposit:": "Drop:", "profit in pips": "plix plax",
           "Strategy Tester Report": "Xyzzy"},
}


@pytest.mark.parametrize("lang", sorted(RELABEL))
def test_mt5_tester_in_another_language(lang):
    body = text(ZVER_GBP)
    for english, other in RELABEL[lang].items():
        body = body.replace(f">{english}<", f">{other}<")
    again = read_report(b"\xff\xfe" + body.encode("utf-16-le"))
    assert figures(again) == figures(report(ZVER_GBP))
    assert fingerprint(again) == fingerprint(report(ZVER_GBP))


def test_mt5_history_in_a_language_no_label_set_knows():
    # Shift every Cyrillic letter: no Bulgarian label matches any more, so
    # only the table structure can find the figures.
    body = text(HISTORY_BG)
    scrambled = "".join(chr(ord(c) + 1) if "а" <= c <= "ю" else c for c in body)
    again = read_report(scrambled.encode("utf-8"))
    assert figures(again) == figures(report(HISTORY_BG))


MT4_CASES = [("en", "cp1252"), ("fr", "cp1252"), ("ru", "cp1251"), ("ja", "cp932"), ("ja", "utf-8"),
             ("xx", "cp1252"), ("ru", "utf-16-le")]


@pytest.mark.parametrize("lang,code_page", MT4_CASES)
def test_mt4_tester_in_languages_and_code_pages(lang, code_page):
    data = synth.mt4_tester(lang).encode(code_page)
    if code_page == "utf-16-le":
        data = b"\xff\xfe" + data
    rep = read_report(data)
    f = synth.figures()
    assert rep.format == "mt4_tester"
    assert (rep.symbol, rep.period, rep.currency) == ("EURUSD", "H4", None)
    assert (rep.initial_deposit, rep.net_profit, rep.gross_profit, rep.gross_loss) == (
        f["deposit"], f["net"], f["gp"], f["gl"])
    assert (rep.profit_factor, rep.expected_payoff, rep.max_drawdown, rep.max_drawdown_pct) == (
        f["pf"], f["ep"], f["dd"], f["dd_pct"])
    assert rep.total_trades == f["total"] == len(rep.trades)
    assert str(rep.win_rate_pct) == "60.00"
    assert rep.balance_curve[-1][1] == f["final"]
    assert rep.warnings == ()
    if lang not in ("xx", "en") and code_page.startswith("cp"):
        assert rep.encoding == code_page
    assert fingerprint(rep) == fingerprint(read_report(synth.mt4_tester("en").encode("cp1252")))


def test_chinese_code_page_is_read():
    labels = ["交易品种", "周期", "模型", "测试柱数", "初始资金", "总净盈利", "总获利", "总亏损", "盈利因子", "预期收益",
              "绝对亏损", "最大亏损", "相对亏损", "交易总数", "卖单 (胜率 %)", "买单 (胜率 %)", "盈利交易 (% of total)",
              "亏损交易 (% of total)", "4 小时", "每个报价"]
    synth.LANGS["zh"] = labels
    try:
        rep = read_report(synth.mt4_tester("zh").encode("gbk"))
    finally:
        del synth.LANGS["zh"]
    assert rep.encoding == "gb18030"  # the superset MetaTrader's cp936 files decode with
    assert (rep.net_profit, rep.total_trades) == (synth.figures()["net"], 5)
