"""The catalogues hold every user-facing string, zh_CN translates all of them,
and both compile. A failure names the strings: run `bash scripts/i18n.sh`,
then translate the new entries in translations/zh_CN/LC_MESSAGES/messages.po
(docs/i18n.md)."""
import io
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "lazy_ngettext": (1, 2)}


def _catalogue(locale):
    with (ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


@pytest.fixture(scope="module")
def extracted():
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        key = message if isinstance(message, str) else message[0]
        found.setdefault(key, filename)
    assert len(found) > 10, "pybabel found (almost) nothing: is babel.cfg right?"
    return found


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_every_string_is_in_the_catalogue(extracted, locale):
    catalogue = _catalogue(locale)
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id}
    missing = sorted(f"{text!r} ({extracted[text]})" for text in set(extracted) - known)
    assert not missing, f"not in the {locale} catalogue (bash scripts/i18n.sh):\n" + "\n".join(missing)


def test_every_string_has_a_chinese_translation(extracted):
    untranslated = []
    for message in _catalogue("zh_CN"):
        if not message.id:
            continue
        strings = [message.string] if isinstance(message.id, str) else list(message.string)
        if message.fuzzy or not all(strings):
            untranslated.append(repr(message.id))
    assert not untranslated, "no zh_CN translation (or marked fuzzy):\n" + "\n".join(untranslated)


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_the_catalogue_compiles_and_its_placeholders_match(locale):
    catalogue = _catalogue(locale)
    problems = [f"{message.id!r}: {'; '.join(map(str, errors))}" for message, errors in catalogue.check()]
    assert not problems, "\n".join(problems)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    assert isinstance(read_mo(compiled), Catalog)


def test_no_catalogue_keeps_strings_the_code_no_longer_has(extracted):
    stale = sorted(m.id if isinstance(m.id, str) else m.id[0] for m in _catalogue("zh_CN") if m.id)
    stale = [text for text in stale if text not in extracted]
    assert not stale, "in the catalogue but not in the code (bash scripts/i18n.sh):\n" + "\n".join(map(repr, stale))
