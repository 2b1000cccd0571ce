"""read_report: bytes in, a Report or a ReportError out."""
import dataclasses

from . import mt4, mt5
from .checks import run_checks
from .decode import decode_report
from .errors import ReportError
from .model import Report
from .mt5 import read_deals
from .summary import by_structure, summary_rows
from .tables import parse_document

NOT_A_REPORT = (
    "This is not a MetaTrader report. Upload the Strategy Tester report or the account "
    "statement (history report) as MetaTrader 4 or 5 saved it, as .htm or .html."
)
_FIELDS = {f.name for f in dataclasses.fields(Report)}


def read_report(data):
    """Read a MetaTrader 4/5 tester report or account statement from its bytes."""
    text, encoding = decode_report(data)
    if "<tr" not in text.lower():
        raise ReportError(NOT_A_REPORT)
    doc = parse_document(text)
    layout = detect_format(doc)
    if layout is None:
        raise ReportError(NOT_A_REPORT)
    if layout.startswith("mt5"):
        figures = mt5.read(doc, layout)
    elif layout == "mt4_tester":
        figures = mt4.read_tester(doc)
    else:
        figures = mt4.read_statement(doc)
    if figures["net_profit"] is None and not figures["has_table"]:
        raise ReportError(NOT_A_REPORT)
    warnings = run_checks(figures)
    return Report(format=layout, encoding=encoding, warnings=warnings,
                  **{k: v for k, v in figures.items() if k in _FIELDS})


def detect_format(doc):
    """Which of the four reports this is, from its metadata and then its tables."""
    generator, title = doc.generator.lower(), doc.title.lower()
    if generator == "strategy tester":
        return "mt5_tester"
    if generator == "client terminal":
        return "mt5_history"
    if title.startswith("strategy tester:"):
        return "mt4_tester"
    if title.startswith("statement:"):
        return "mt4_statement"
    # No metadata that says (a converted or re-saved file): judge by the rows.
    counts = {
        "mt5": len(read_deals(doc.rows)),
        "mt4_tester": len(mt4.read_tester_rows(doc.rows)),
        "mt4_statement": sum(len(x) for x in mt4.read_statement_rows(doc.rows)),
    }
    rows = summary_rows(doc.rows)
    layouts = ("mt4_tester", "mt4_statement", "mt5_tester", "mt5_history")
    anchored = {layout: len(by_structure(rows, layout)) for layout in layouts}
    best = max(counts, key=counts.get)
    if counts[best] == 0:
        # No trades table and no metadata: only a summary that fits one
        # layout in full (not a stray "total = a + b" row) makes it a report.
        found = [layout for layout, n in anchored.items() if n >= 6]
        return found[0] if len(found) == 1 else None
    if best == "mt5":
        return "mt5_tester" if anchored["mt5_tester"] and not anchored["mt5_history"] else (
            "mt5_history" if anchored["mt5_history"] else "mt5_tester")
    return best
