"""The report's HTML as rows of cells, parsed by lxml (never by regular
expressions: MT4 writes unclosed and nested rows that only a real HTML
parser repairs the way a browser does)."""
from dataclasses import dataclass

import lxml.etree
import lxml.html
from flask_babel import gettext as _

from .errors import ReportError
from .numbers import clean


@dataclass(frozen=True)
class Cell:
    text: str
    colspan: int = 1
    header: bool = False  # a <th>: MT5 history prints its account block in them


@dataclass(frozen=True)
class Row:
    index: int
    cells: tuple  # visible, non-empty-or-empty cells in order (hidden ones dropped)

    @property
    def texts(self):
        return [c.text for c in self.cells]

    @property
    def filled(self):
        """The cells that say something, in order."""
        return [c.text for c in self.cells if c.text]


@dataclass(frozen=True)
class Document:
    title: str
    generator: str
    rows: tuple


def parse_document(text):
    try:
        root = lxml.html.document_fromstring(text)
    except ValueError:
        # lxml refuses str input that carries an XML encoding declaration.
        parser = lxml.html.HTMLParser(encoding="utf-8")
        try:
            root = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
        except (lxml.etree.ParserError, ValueError) as exc:
            raise ReportError(_("The file is not an HTML report.")) from exc
    except lxml.etree.ParserError as exc:
        raise ReportError(_("The file is not an HTML report.")) from exc

    title = clean(" ".join(t.text_content() for t in root.iter("title")))
    generator = ""
    for meta in root.iter("meta"):
        if (meta.get("name") or "").lower() == "generator":
            generator = clean(meta.get("content") or "")
    rows = []
    for tr in root.iter("tr"):
        cells = tuple(_cell(el) for el in tr if isinstance(el.tag, str) and el.tag in ("td", "th") and not _hidden(el))
        if cells:
            rows.append(Row(len(rows), cells))
    return Document(title=title, generator=generator, rows=tuple(rows))


def _hidden(el):
    # MT5 history reports keep magic numbers and costs in class="hidden"
    # cells that the browser never shows; the figures must ignore them too.
    classes = (el.get("class") or "").split()
    style = (el.get("style") or "").replace(" ", "").lower()
    return "hidden" in classes or "display:none" in style


def _cell(el):
    if el.find(".//tr") is not None:
        # A cell holding a nested table: its rows are read on their own, so
        # only the cell's own text belongs to this row.
        text = el.text or ""
    else:
        text = el.text_content()
    try:
        colspan = max(1, int(el.get("colspan") or 1))
    except ValueError:
        colspan = 1
    return Cell(text=clean(text), colspan=colspan, header=el.tag == "th")
