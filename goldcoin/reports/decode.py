"""Bytes to text the way MetaTrader writes them.

MT5 writes UTF-16 LE with a BOM; files passed through editors or converters
arrive as UTF-8 (with or without BOM) or as UTF-16 that lost its BOM. MT4
declares no charset at all and writes the terminal's Windows code page. A
generic detector alone guesses those badly (it reads Russian cp1251 as
Hungarian cp1250), so for legacy code pages the text that contains the most
known MetaTrader labels wins, with charset-normalizer to break ties.
"""
import re

import charset_normalizer
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .errors import ReportError
from .labels import all_label_words

MAX_BYTES = 32 * 1024 * 1024  # a many-year MT5 history is a few MB; this is far above it

# The code pages MetaTrader terminals write in, most used first. gb18030 is a
# superset of cp936/GBK, so it also reads files saved by a GBK terminal.
CODE_PAGES = [
    "cp1252", "cp1251", "cp1250", "cp932", "gb18030", "cp950", "cp949", "cp1253",
    "cp1254", "cp1257", "cp1255", "cp1256", "cp874", "cp1258",
]

_SIGNATURES = [
    (b"PK\x03\x04", _l("a zip archive: unzip it and upload the .htm or .html report inside")),
    (b"%PDF", _l("a PDF: upload the report as MetaTrader saved it (.htm or .html)")),
    (b"\x89PNG", _l("an image: upload the report itself (.htm or .html), not its chart")),
    (b"GIF8", _l("an image: upload the report itself (.htm or .html), not its chart")),
    (b"\xff\xd8\xff", _l("an image: upload the report itself (.htm or .html), not its chart")),
    (b"\x1f\x8b", _l("a compressed file: upload the report as MetaTrader saved it (.htm or .html)")),
    (b"\xd0\xcf\x11\xe0", _l("an Excel or Word file: save the report from MetaTrader as HTML")),
]
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)


def decode_report(data):
    """Return (text, encoding) or raise ReportError with a reason a member can act on."""
    if not isinstance(data, (bytes, bytearray)):
        raise ReportError(_("The report must be uploaded as a file."))
    data = bytes(data)
    if not data.strip():
        raise ReportError(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise ReportError(_("The file is larger than %(value)s MB; no MetaTrader report is that big.",
                            value=MAX_BYTES // (1024 * 1024)))
    for magic, what in _SIGNATURES:
        if data.startswith(magic):
            raise ReportError(_("This is %(what)s.", what=what))

    text, encoding = _unicode_forms(data)
    if text is None:
        if b"\x00" in data:
            raise ReportError(_("This is a binary file, not a MetaTrader report."))
        text, encoding = _declared(data) or _legacy(data)
    if _looks_binary(text):
        raise ReportError(_("This is a binary file, not a MetaTrader report."))
    return text, encoding


def _unicode_forms(data):
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8"), "utf-8-sig"
    if data.startswith(b"\xff\xfe"):
        return _strict(data[2:], "utf-16-le"), "utf-16-le"
    if data.startswith(b"\xfe\xff"):
        return _strict(data[2:], "utf-16-be"), "utf-16-be"
    head = data[:4096]
    if len(head) >= 8:
        # Markup is mostly ASCII, so UTF-16 without a BOM shows as a NUL in
        # every other byte: odd positions for little endian, even for big.
        even, odd = head[0::2].count(0), head[1::2].count(0)
        half = len(head) // 2
        if odd > 0.4 * half and even < 0.05 * half:
            return _strict(data[: len(data) // 2 * 2], "utf-16-le"), "utf-16-le"
        if even > 0.4 * half and odd < 0.05 * half:
            return _strict(data[: len(data) // 2 * 2], "utf-16-be"), "utf-16-be"
    if b"\x00" not in data:
        text = _strict(data, "utf-8")
        if text is not None:
            return text, "utf-8"
    return None, None


def _strict(data, encoding):
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _declared(data):
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii", "ignore")
    text = _strict(data, name) if _known(name) else None
    return (text, name.lower()) if text is not None else None


def _known(name):
    try:
        "".encode(name)
        return True
    except LookupError:
        return False


def _legacy(data):
    words = all_label_words()
    scored = []
    for name in CODE_PAGES:
        text = _strict(data, name)
        if text is not None:
            folded = text.casefold()
            scored.append((sum(1 for w in words if w in folded), name, text))
    if not scored:
        # Undecodable in every code page: keep what can be read; the figures
        # are ASCII, only some labels would be garbled.
        return data.decode("cp1252", "replace"), "cp1252"
    most = max(hits for hits, _, _ in scored)
    if most:
        # Labels decide; between code pages that read them equally (French
        # reads the same in cp1250 and cp1252) the more common one wins.
        hits, name, text = next(s for s in scored if s[0] == most)
        return text, name
    # A language missing from labels.py: the generic detector, kept to the
    # code pages MetaTrader writes.
    best = charset_normalizer.from_bytes(data[:262144], cp_isolation=CODE_PAGES).best()
    chosen = best.encoding if best is not None else None
    for _hits, name, text in scored:
        if name == chosen:
            return text, name
    return scored[0][2], scored[0][1]


def _looks_binary(text):
    sample = text[:8192]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t\f")
    return "\x00" in sample or controls > len(sample) * 0.01
