"""A fingerprint of the trades a report shows, for catching one report
attached to a second EA.

It is made of the trades, not the bytes: the same report saved again, in
another encoding or another terminal language, prints the same times,
symbols, volumes, prices and profits, and so gives the same fingerprint.
Numbers are normalized ("0.10" and "0.1" are one volume) and the trades
sorted, so a table printed in another order still matches.
"""
import hashlib

from .numbers import as_text

VERSION = "goldcoin-report-fingerprint-v1"


def fingerprint(report):
    """Hex SHA-256 of the report's trades (of its summary when it has none)."""
    lines = sorted(
        "|".join((t.time.isoformat(), t.symbol.upper(), t.side.lower(), _num(t.volume), _num(t.price), _num(t.profit)))
        for t in report.trades
    )
    if not lines:
        # No trades to compare: fall back to what the summary says it covers.
        lines = ["|".join((
            report.format.split("_")[0], (report.symbol or "").upper(), report.period or "",
            _time(report.started_at), _time(report.ended_at), _num(report.initial_deposit), _num(report.net_profit),
        ))]
    payload = "\n".join([VERSION] + lines).encode("utf-8")
    return hashlib.sha256(payload).hexdigest()


def _num(value):
    return "" if value is None else as_text(value.normalize()) if value != 0 else "0"


def _time(value):
    return value.isoformat() if value is not None else ""
