"""Read MetaTrader reports: the proof of performance members attach to an EA.

    from goldcoin.reports import read_report, fingerprint, ReportError

    report = read_report(upload_bytes)   # raises ReportError (a ValueError)
    report.to_json()                     # the body of POST /api/v1/reports/parse
    fingerprint(report)                  # same trades -> same hex string

Pure Python: no Flask, no database. See docs/reports.md.
"""
from .errors import ReportError
from .fingerprint import fingerprint
from .model import FORMATS, Report, ReportWarning, Trade
from .reader import read_report

__all__ = ["FORMATS", "Report", "ReportError", "ReportWarning", "Trade", "fingerprint", "read_report"]
