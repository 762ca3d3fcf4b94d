#!/usr/bin/env python3
"""Merge a dictionary of translations into a catalogue, and report what is left untranslated.

Usage: scripts/translations.py fill LANG FILE.py   (FILE.py defines a dict named FR or TRANSLATIONS)
       scripts/translations.py missing LANG         (lists msgids without a translation)
       scripts/translations.py english              (fills the English catalogue with the source strings)
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

CATALOGUES = Path(__file__).resolve().parent.parent / "facilities" / "translations"


def _path(lang: str) -> Path:
    return CATALOGUES / lang / "LC_MESSAGES" / "messages.po"


def _load(lang: str):
    with _path(lang).open("rb") as handle:
        return read_po(handle, locale=lang)


def _save(lang: str, catalogue) -> None:
    with _path(lang).open("wb") as handle:
        write_po(handle, catalogue, width=110, omit_header=False)


def fill(lang: str, source: str) -> None:
    namespace = runpy.run_path(source)
    table = namespace.get("FR") or namespace.get("TRANSLATIONS")
    catalogue = _load(lang)
    filled = 0
    for message in catalogue:
        if message.id and isinstance(message.id, str) and message.id in table:
            message.string = table[message.id]
            message.flags.discard("fuzzy")
            filled += 1
    _save(lang, catalogue)
    print(f"{filled} translations written to {lang}")


def missing(lang: str) -> list[str]:
    catalogue = _load(lang)
    left = [m.id for m in catalogue if m.id and (not m.string or "fuzzy" in m.flags)]
    for msgid in left:
        print(repr(msgid))
    return left


def english() -> None:
    catalogue = _load("en")
    for message in catalogue:
        if message.id:
            message.string = message.id
            message.flags.discard("fuzzy")
    _save("en", catalogue)


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "fill":
        fill(sys.argv[2], sys.argv[3])
    elif command == "missing":
        sys.exit(1 if missing(sys.argv[2]) else 0)
    elif command == "english":
        english()
