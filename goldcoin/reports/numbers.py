"""Figures as MetaTrader prints them, read into Decimal without losing the
report's own digits ("3 000.00" stays 3000.00, never 3000 or 3000.0000001).

MT5 groups thousands with a space, some converted files with a comma or a
no-break space; MT4 pairs a figure with a percentage either way round
("808.30 (6.34%)", "6.93% (781.31)"); counts come as "87 (62.14%)".
"""
import re
from datetime import datetime
from decimal import Decimal, InvalidOperation

_SPACES = {"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "\u2212": "-", "\u2013": "-"}
_PLAIN = re.compile(r"^[-+]?\d+(?:\.\d+)?$")
_SPACE_GROUPED = re.compile(r"^[-+]?\d{1,3}(?: \d{3})+(?:\.\d+)?$")
_COMMA_GROUPED = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_COMMA_DECIMAL = re.compile(r"^[-+]?\d+,\d{1,2}$")
_NUM = r"[-+]?\d[\d ,]*(?:\.\d+)?"
_AMOUNT_PCT = re.compile(r"^(" + _NUM + r")\s*\(\s*(" + _NUM + r")\s*%\s*\)$")
_PCT_AMOUNT = re.compile(r"^(" + _NUM + r")\s*%\s*\(\s*(" + _NUM + r")\s*\)$")
_AMOUNT_PAREN = re.compile(r"^(" + _NUM + r")\s*\(\s*(" + _NUM + r")\s*\)$")
_PERCENT = re.compile(r"^(" + _NUM + r")\s*%$")
_DATETIME = re.compile(r"(\d{4})\.(\d{2})\.(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")


_PLAIN_TABLE = str.maketrans(_SPACES)


def clean(text):
    """One line of text with MetaTrader's odd spaces and minus signs made plain."""
    return " ".join((text or "").translate(_PLAIN_TABLE).split())


def parse_amount(text):
    """A money figure or ratio as Decimal, or None when the text is not one."""
    text = clean(text)
    if _PLAIN.match(text):
        digits = text
    elif _SPACE_GROUPED.match(text):
        digits = text.replace(" ", "")
    elif _COMMA_GROUPED.match(text):
        digits = text.replace(",", "")
    elif _COMMA_DECIMAL.match(text):
        # A terminal or spreadsheet that wrote a decimal comma: "12,50".
        digits = text.replace(",", ".")
    else:
        return None
    try:
        return Decimal(digits.lstrip("+"))
    except InvalidOperation:  # pragma: no cover - the patterns above exclude it
        return None


def parse_int(text):
    value = parse_amount(text)
    if value is None or value != value.to_integral_value():
        return None
    return int(value)


def parse_amount_pct(text):
    """(amount, percent) from "808.30 (6.34%)" or "6.93% (781.31)"; else None."""
    text = clean(text)
    match = _AMOUNT_PCT.match(text)
    if match:
        amount, pct = match.group(1), match.group(2)
    else:
        match = _PCT_AMOUNT.match(text)
        if not match:
            return None
        pct, amount = match.group(1), match.group(2)
    amount, pct = parse_amount(amount), parse_amount(pct)
    if amount is None or pct is None:
        return None
    return amount, pct


def parse_percent(text):
    match = _PERCENT.match(clean(text))
    return parse_amount(match.group(1)) if match else None


def kind_of(text):
    """What a summary value cell holds, by shape alone (no language needed)."""
    text = clean(text)
    if not text:
        return None
    if parse_amount(text) is not None:
        return "int" if parse_int(text) is not None and "." not in text else "amount"
    if _AMOUNT_PCT.match(text):
        first = _AMOUNT_PCT.match(text).group(1)
        return "count_pct" if parse_int(first) is not None and "." not in first else "amount_pct"
    if _PCT_AMOUNT.match(text):
        return "pct_amount"
    if _PERCENT.match(text):
        return "pct"
    if _AMOUNT_PAREN.match(text):
        return "amount_paren"
    if text.lower() in ("n/a", "-"):
        return "na"
    return None


def parse_time(text):
    """The first MetaTrader time in the text ("2020.01.04 00:00:00"), or None."""
    match = _DATETIME.search(clean(text))
    return _to_datetime(match) if match else None


def find_times(text):
    return [t for t in (_to_datetime(m) for m in _DATETIME.finditer(clean(text))) if t]


def is_time(text):
    """True for a cell that is a time and nothing else."""
    text = clean(text)
    match = _DATETIME.fullmatch(text)
    return bool(match and match.group(4) is not None and _to_datetime(match))


def _to_datetime(match):
    year, month, day, hour, minute, second = match.groups()
    try:
        return datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    except ValueError:
        return None


def as_text(value):
    """Decimal to the plain decimal string the API promises ("-3031.70")."""
    return None if value is None else format(value, "f")
