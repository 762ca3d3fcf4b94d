"""Every interface string is translated: French (the default) and English catalogues complete, none fuzzy.

The strings are extracted afresh from the code and templates (as `make messages` does), so a string added
without refreshing the catalogues fails here, as does an empty or fuzzy entry. The journeys check the
rendered pages as well (Journey.check_language in conftest.py). Needs no browser.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = ROOT / "facilities" / "translations"
LANGUAGES = ("fr", "en")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%")


def _method_map() -> list[tuple[str, str]]:
    """The [method: pattern] sections of babel.cfg, as pybabel reads them."""
    sections = re.findall(r"^\[(\w+):\s*(\S+)\]", (ROOT / "babel.cfg").read_text(), re.M)
    return [(pattern, method) for method, pattern in sections]


@pytest.fixture(scope="module")
def source_messages() -> dict[str, str]:
    """msgid → first place it is used, from the code and templates (keywords of `make messages`)."""
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map=_method_map(), keywords=keywords):
        for msgid in message if isinstance(message, tuple) else (message,):
            if msgid:
                found.setdefault(msgid, f"{filename}:{lineno}")
    assert len(found) > 300, "the extraction found too few strings: check babel.cfg"
    return found


def _catalogue(lang: str):
    with open(CATALOGUES / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_translates_every_interface_string(lang, source_messages):
    catalogue = _catalogue(lang)
    problems = []
    for msgid, where in sorted(source_messages.items(), key=lambda item: item[1]):
        entry = catalogue.get(msgid)
        strings = entry.string if entry is not None and isinstance(entry.string, tuple) else (
            (entry.string,) if entry is not None else ())
        if entry is None:
            problems.append(f"missing ({where}): {msgid!r}")
        elif not strings or not all(strings):
            problems.append(f"empty msgstr ({where}): {msgid!r}")
        elif entry.fuzzy:
            problems.append(f"fuzzy ({where}): {msgid!r}")
        elif any(sorted(PLACEHOLDER.findall(s)) != sorted(PLACEHOLDER.findall(msgid)) for s in strings):
            problems.append(f"placeholders differ ({where}): {msgid!r} → {strings!r}")
    assert not problems, (f"{len(problems)} untranslated interface string(s) in {lang}; run `make messages`, "
                          "fill in the catalogue, then `make translations`:\n" + "\n".join(problems[:40]))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_has_no_fuzzy_or_empty_entry(lang):
    """Also entries no longer in the code: a fuzzy or empty one would be a trap for the next `make messages`."""
    catalogue = _catalogue(lang)
    bad = [m.id for m in catalogue if m.id and (m.fuzzy or not m.string or
                                                (isinstance(m.string, tuple) and not all(m.string)))]
    assert not bad, bad[:20]
    assert not catalogue.fuzzy, "the catalogue header is marked fuzzy"


def test_compiled_catalogues_are_current():
    """The .mo files the app reads are compiled from the .po files (`make translations`)."""
    for lang in LANGUAGES:
        po = CATALOGUES / lang / "LC_MESSAGES" / "messages.po"
        mo = po.with_suffix(".mo")
        if not mo.exists():
            pytest.fail(f"{mo} is missing: run `make translations`")
        assert mo.stat().st_mtime >= po.stat().st_mtime, f"{mo} is older than {po}: run `make translations`"
