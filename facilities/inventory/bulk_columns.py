"""The layout of an inventory file: which columns each kind of record has, in a workbook and in a CSV file.

- XLSX: one workbook with the sheets `sites`, `buildings`, `floors`, `spaces` and `published_figures`; on each, a
  header row with that sheet's columns (HEADERS) and one record per row. The first four must be present (they may
  be empty); `published_figures` (what source documents publish about the buildings) may be left out.
- CSV: one file; the first column `entity` says what each line is (`site`, `building`, `floor`, `space`),
  the other columns are the union of the four sheets' columns (CSV_HEADERS), and a line fills only the
  columns of its entity. UTF-8 (with or without BOM); comma, semicolon or tab separated.

Records are found by their codes: a site by `code`; a building by `code` (and `site_code` names its site);
a floor by `building_code` and `level`; a space by `building_code`, `level` and `code`; a published figure by
`building_code` and `figure` (codes are compared
without regard to case, like the forms do). The exporter writes exactly what the importer reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from facilities.inventory import rules
from facilities.validation import rule_names

KINDS = ("sites", "buildings", "floors", "spaces", "published_figures")
ENTITY = {"sites": "site", "buildings": "building", "floors": "floor", "spaces": "space",
          "published_figures": "published_figure"}
KIND_OF_ENTITY = {entity: kind for kind, entity in ENTITY.items()} | {kind: kind for kind in KINDS}
KEY_COLUMNS = {"sites": [], "buildings": ["site_code"], "floors": ["building_code"],
               "spaces": ["building_code", "level"], "published_figures": ["building_code"]}
FIELDS = {
    "sites": rule_names(rules.SITE_RULES),
    "buildings": rule_names(rules.BUILDING_RULES),
    "floors": rule_names(rules.FLOOR_RULES),
    "spaces": rule_names(rules.SPACE_RULES),
    "published_figures": rule_names(rules.PUBLISHED_FIGURE_RULES),
}
HEADERS = {kind: KEY_COLUMNS[kind] + FIELDS[kind] for kind in KINDS}
CSV_HEADERS = ["entity"] + list(dict.fromkeys(
    ["site_code", "building_code", "level", "code", "name"] + [c for kind in KINDS for c in HEADERS[kind]]
))
FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Layout:
    """The columns of an import file: one sheet per kind (XLSX); in CSV, one file whose `entity` column says the
    kind of each line, or, with a single kind, no such column at all. The inventory's is INVENTORY; other areas
    read their own files with the same readers (facilities.inventory.bulk_read) by giving theirs."""

    kinds: tuple[str, ...]
    headers: dict[str, list[str]]
    csv_headers: list[str]
    kind_of_entity: dict[str, str]
    optional: tuple[str, ...] = ()  # the sheets a workbook may leave out (read as empty)

    @property
    def single(self) -> bool:
        return len(self.kinds) == 1


# Published figures came after the first files were written: a workbook without their sheet still imports.
INVENTORY = Layout(KINDS, HEADERS, CSV_HEADERS, KIND_OF_ENTITY, optional=("published_figures",))


def single_layout(kind: str, headers: list[str]) -> Layout:
    """The layout of a file of one kind of record: a sheet named `kind`, or a CSV file with these columns."""
    return Layout((kind,), {kind: headers}, headers, {kind: kind})


class FileError(Exception):
    """The file as a whole cannot be read (encoding, format, size, missing sheet or column). Nothing is written."""


@dataclass(slots=True)
class Row:
    """One record as read from the file, before any rule is applied."""

    kind: str  # one of KINDS, or "" for a CSV line whose entity is unknown
    line: int
    where: str  # "spaces, line 12" (XLSX) or "line 12" (CSV), as the user finds it in their file
    raw: dict[str, Any]


def stored_text(value: Any) -> str:
    """The text of a stored value in an export, before a spreadsheet's formula guard: what a re-import of an
    unchanged line holds (the planner compares it to skip the rules on lines that change nothing)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def file_format(filename: str) -> str:
    """'csv' or 'xlsx' from a file name, or FileError."""
    suffix = Path(filename or "").suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise FileError(_("Use a .csv or .xlsx file (got '%(name)s').", name=Path(filename or "").name[:80]))
    return suffix
