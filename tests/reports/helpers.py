"""Where the real reports live, and small helpers the report tests share."""
from functools import lru_cache
from pathlib import Path

from goldcoin.reports import read_report

DATA = Path(__file__).resolve().parent.parent / "data" / "mt-reports"

ZVER_GBP = "mt5_en_utf16le_VR-ZVER_GBPUSD_M15_pips_ReportTester.html"
ZVER_XAU = "mt5_en_utf16le_VR-ZVER_XAUUSD_M1_pips_ReportTester.html"
HISTORY_BG = "mt5_bg_utf8_ReportHistory-5014131788.html"
HISTORY_EN = "mt5_en_utf8_ReportHistory-70358000.html"
STATEMENT = "mt4_en_ascii_DetailedStatement-535110.htm"
STATEMENT_DEMO = "mt4_en_ascii_DetailedStatement-535110-demo.htm"


def raw(name):
    return (DATA / name).read_bytes()


def text(name):
    """A real report as text, decoded the way its bytes say."""
    data = raw(name)
    if data.startswith(b"\xff\xfe"):
        return data[2:].decode("utf-16-le")
    return data.decode("utf-8")


def edit(name, old, new, count=1):
    """A copy of a real report with one thing changed by hand, in its own encoding."""
    data = raw(name)
    utf16 = data.startswith(b"\xff\xfe")
    body = data[2:].decode("utf-16-le") if utf16 else data.decode("utf-8")
    assert body.count(old) >= count, f"{old!r} not in {name}"
    body = body.replace(old, new, count)
    return b"\xff\xfe" + body.encode("utf-16-le") if utf16 else body.encode("utf-8")


@lru_cache(maxsize=None)
def report(name):
    """The real report read once per test run (reports are immutable)."""
    return read_report(raw(name))
