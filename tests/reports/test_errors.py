"""Anything that is not a MetaTrader report is refused with a message a
member can act on, never an exception the API would turn into a 500."""
import io
import zipfile

import pytest

from goldcoin.reports import ReportError, read_report
from goldcoin.reports.decode import MAX_BYTES
from tests.reports.helpers import ZVER_GBP, raw


def zipped():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("ReportTester.html", raw(ZVER_GBP))
    return buf.getvalue()


CASES = {
    "empty": (b"", "empty"),
    "blank": (b"  \r\n ", "empty"),
    "zip": (zipped(), "zip"),
    "png": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "image"),
    "pdf": (b"%PDF-1.4\n%\xe2\xe3", "PDF"),
    "binary": (bytes(range(256)) * 8, "binary"),
    "text": (b"Total net profit: 1000000.00 trust me", "not a MetaTrader report"),
    "random html": (b"<html><body><h1>My EA</h1><p>It wins.</p></body></html>", "not a MetaTrader report"),
    "html table": (b"<table><tr><td>Name</td><td>Age</td></tr><tr><td>Bob</td><td>42</td></tr></table>",
                   "not a MetaTrader report"),
    "tester title only": (b"<html><head><title>Strategy Tester: x</title></head><body><table><tr><td>hi</td>"
                          b"</tr></table></body></html>", "not a MetaTrader report"),
    "xml declaration": (b'<?xml version="1.0" encoding="utf-8"?><html><body><table><tr><td>1</td></tr>'
                        b"</table></body></html>", "not a MetaTrader report"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_not_a_report(case):
    data, words = CASES[case]
    with pytest.raises(ReportError) as caught:
        read_report(data)
    assert words in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_huge_file_is_refused_before_reading():
    with pytest.raises(ReportError, match="larger than 32 MB"):
        read_report(b"<" * (MAX_BYTES + 1))


def test_text_instead_of_bytes():
    with pytest.raises(ReportError, match="uploaded as a file"):
        read_report("<html></html>")


def test_truncated_report_still_reads_what_it_has():
    # A report cut off mid-way (a failed upload) has no summary: it is
    # refused rather than shown with invented figures.
    data = raw(ZVER_GBP)
    with pytest.raises(ReportError):
        read_report(data[: len(data) // 20])
