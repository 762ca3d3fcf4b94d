"""Reading an inventory file (CSV or XLSX) into rows, or a FileError that says what is wrong with it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from facilities.inventory.bulk_columns import CSV_HEADERS, HEADERS, KIND_OF_ENTITY, KINDS, FileError, Row


def _check_columns(header: list[str], expected: list[str], where: str, required: Iterable[str]) -> None:
    unknown = [name for name in header if name and name not in expected]
    missing = [name for name in required if name not in header]
    duplicated = sorted({name for name in header if name and header.count(name) > 1})
    problems = []
    if missing:
        problems.append(_("missing column(s): %(names)s", names=", ".join(missing)))
    if unknown:
        problems.append(_("unknown column(s): %(names)s", names=", ".join(unknown[:10])))
    if duplicated:
        problems.append(_("column(s) given twice: %(names)s", names=", ".join(duplicated)))
    if problems:
        raise FileError(_("%(where)s: %(problems)s. The columns are those of an export: %(expected)s.",
                          where=where, problems="; ".join(problems), expected=", ".join(expected)))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_csv(data: bytes) -> list[Row]:
    """The lines of a CSV file, or FileError naming what is wrong."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise FileError(_("The file is not UTF-8 text (line %(line)s, byte %(byte)s). Save it as "
                          "\"CSV UTF-8\" and try again.", line=line, byte=error.start + 1)) from None
    if "\x00" in text:
        raise FileError(_("The file is not a CSV text file."))
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        table = list(reader)
    except csv.Error as error:
        raise FileError(_("The CSV file is malformed (line %(line)s): %(error)s", line=reader.line_num,
                          error=str(error))) from None
    if not table or not any(cell.strip() for cell in table[0]):
        raise FileError(_("The file is empty: the first line must name the columns."))
    header = [cell.strip() for cell in table[0]]
    if "entity" not in header:
        raise FileError(_("Line 1: the column 'entity' is missing (site, building, floor or space on each line). "
                          "The columns are those of an export: %(expected)s.", expected=", ".join(CSV_HEADERS)))
    _check_columns(header, CSV_HEADERS, _("Line 1"), ["entity"])
    rows: list[Row] = []
    kinds_present: set[str] = set()
    # Per line, only the cells of the columns that do not belong to its entity need checking for stray values.
    foreign = {kind: [name for name in dict.fromkeys(header) if name and name != "entity" and name not in HEADERS[kind]]
               for kind in KINDS}
    line_label = _("line %(line)s")  # translated once: gettext per line costs seconds on 100,000 lines
    for number, cells in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header):]):
            raise FileError(_("Line %(line)s has more values than there are columns.", line=number))
        values = dict(zip(header, cells, strict=False))
        entity = (values.get("entity") or "").strip().lower()
        kind = KIND_OF_ENTITY.get(entity)
        where = line_label % {"line": number}
        if kind is None:
            rows.append(Row("", number, where, {"entity": entity}))
            continue
        kinds_present.add(kind)
        raw = {name: values.get(name, "") for name in HEADERS[kind]}
        stray = [name for name in foreign[kind] if values.get(name, "").strip()]
        if stray:
            raw["__stray__"] = stray
        rows.append(Row(kind, number, where, raw))
    for kind in sorted(kinds_present, key=KINDS.index):
        _check_columns(header, CSV_HEADERS, _("Line 1"), HEADERS[kind])
    return rows


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date() if (value.hour, value.minute, value.second) == (0, 0, 0) else value
    if isinstance(value, float):  # a spreadsheet number: the figure as typed (shortest repr), read exactly
        return int(value) if value.is_integer() else Decimal(repr(value))
    return value


def read_xlsx(data: bytes) -> list[Row]:
    """The rows of the four sheets of a workbook, or FileError naming what is wrong."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 — openpyxl raises many kinds of errors for a damaged file
        raise FileError(_("The file is not a readable .xlsx workbook.")) from None
    try:
        missing = [kind for kind in KINDS if kind not in workbook.sheetnames]
        if missing:
            raise FileError(_("The workbook has no sheet named %(names)s; it needs the sheets %(expected)s "
                              "(as an export writes them).", names=", ".join(missing), expected=", ".join(KINDS)))
        rows: list[Row] = []
        for kind in KINDS:
            sheet = workbook[kind]
            try:
                table = sheet.iter_rows(values_only=True)
                header_cells = next(table, None)
                header = [str(cell).strip() if cell is not None else "" for cell in (header_cells or ())]
                while header and not header[-1]:
                    header.pop()
                _check_columns(header, HEADERS[kind], _("Sheet %(sheet)s, line 1", sheet=kind), HEADERS[kind])
                for number, cells in enumerate(table, start=2):
                    if cells is None or all(_blank(cell) for cell in cells):
                        continue
                    if any(not _blank(cell) for cell in cells[len(header):]):
                        raise FileError(_("Sheet %(sheet)s, line %(line)s has more values than there are columns.",
                                          sheet=kind, line=number))
                    raw = {name: _cell(value) for name, value in zip(header, cells, strict=False)}
                    for name in HEADERS[kind]:
                        raw.setdefault(name, None)
                    rows.append(Row(kind, number, _("%(sheet)s, line %(line)s", sheet=kind, line=number), raw))
            except FileError:
                raise
            except Exception:  # noqa: BLE001
                raise FileError(_("Sheet %(sheet)s cannot be read: the workbook is damaged.", sheet=kind)) from None
        return rows
    finally:
        workbook.close()


def read_file(data: bytes, fmt: str) -> list[Row]:
    """Rows of a CSV or XLSX file."""
    return read_csv(data) if fmt == "csv" else read_xlsx(data)
