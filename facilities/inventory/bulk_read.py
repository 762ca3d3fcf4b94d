"""Reading an inventory file (CSV or XLSX) into rows, or a FileError that says what is wrong with it.

Both readers stream: they hold one line (CSV) or one row element (XLSX) at a time besides the rows they keep,
and they check every bound (Limits) while reading, so that a file's claims cost nothing. A workbook's zip
directory is checked before anything is unpacked (entries, declared sizes: zipfile never inflates an entry
beyond its declared size), its sheets are walked row element by row element (never through the declared
dimension, which a 6 kB file can set to 17 billion cells) and row numbers, columns and cells are counted as
they come.
"""

from __future__ import annotations

import csv
import re
import struct
import zipfile
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from io import BytesIO
from itertools import chain
from pathlib import Path
from typing import IO, Any

from flask import current_app, has_app_context
from flask_babel import format_decimal, format_number
from flask_babel import gettext as _

from facilities.formatting import spreadsheet_text_from_csv
from facilities.inventory.bulk_columns import INVENTORY, FileError, Layout, Row

Progress = Callable[[float], None]  # the share of the file read so far, 0.0 to 1.0

XLSX_MAX_ROW = 1_048_576  # the last row of a spreadsheet (Excel, LibreOffice)
MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What an import may contain. The configurable ones come from IMPORT_* settings (see README)."""

    max_rows: int = 500_000  # records kept, all sheets together (IMPORT_MAX_ROWS)
    max_bytes: int = 64 * MB  # the file as given (IMPORT_MAX_BYTES); uploads are also capped by MAX_CONTENT_LENGTH
    max_unpacked_bytes: int = 1024 * MB  # XLSX: the declared sizes of every part, added (IMPORT_MAX_UNPACKED_BYTES)
    max_part_bytes: int = 64 * MB  # XLSX: any part that is parsed whole (shared strings, styles, workbook)
    max_entries: int = 1000  # XLSX: parts in the zip (an export has about 15)
    max_columns: int = 64  # a CSV line or a sheet row (an export has at most 37)
    max_cells: int = 25_000_000  # XLSX: cell elements, every sheet together
    max_line_bytes: int = 256 * 1024  # CSV: one physical line

    @classmethod
    def from_config(cls) -> Limits:
        """The limits of the application's configuration (defaults outside an application)."""
        config = current_app.config if has_app_context() else {}
        defaults = cls()
        return cls(
            max_rows=int(config.get("IMPORT_MAX_ROWS") or defaults.max_rows),
            max_bytes=int(config.get("IMPORT_MAX_BYTES") or defaults.max_bytes),
            max_unpacked_bytes=int(config.get("IMPORT_MAX_UNPACKED_BYTES") or defaults.max_unpacked_bytes),
        )


class MoreRows(Exception):
    """Reading stopped at `stop_after` rows: the file has more (the caller runs it as a background job)."""


Source = bytes | Path | IO[bytes]


def read_file(source: Source, fmt: str, limits: Limits | None = None, *, stop_after: int | None = None,
              progress: Progress | None = None, layout: Layout = INVENTORY) -> list[Row]:
    """Rows of a CSV or XLSX file (bytes, a path or a binary file), or FileError; MoreRows past `stop_after`."""
    return list(iter_file(source, fmt, limits, stop_after=stop_after, progress=progress, layout=layout))


def iter_file(source: Source, fmt: str, limits: Limits | None = None, *, stop_after: int | None = None,
              progress: Progress | None = None, layout: Layout = INVENTORY,
              kinds: Collection[str] | None = None, kind_runs: list[str] | None = None) -> Iterator[Row]:
    """The rows of a file as they are read (read_file's checks, FileError or MoreRows when met). With `kinds`, only
    the rows of those kinds ("" for a CSV line of an unknown entity) are yielded, though the whole file is read and
    checked: a caller wanting the kinds in order reads a CSV file once per kind, or, when the first reading's
    `kind_runs` (filled with the kind of each run of lines of one kind) shows them in order, once more for the rest."""
    limits = limits or Limits.from_config()
    if isinstance(source, Path):
        with source.open("rb") as stream:
            yield from iter_file(stream, fmt, limits, stop_after=stop_after, progress=progress, layout=layout,
                                 kinds=kinds, kind_runs=kind_runs)
        return
    stream = BytesIO(source) if isinstance(source, bytes) else source
    size = _size(stream)
    if size > limits.max_bytes:
        raise FileError(_("The file is %(size)s MB; an import reads at most %(max)s MB.",
                          size=_mb(size), max=_mb(limits.max_bytes)))
    if fmt == "csv":
        yield from iter_csv(stream, limits, stop_after=stop_after, progress=progress or (lambda share: None),
                            layout=layout, kinds=kinds, kind_runs=kind_runs)
    else:
        yield from iter_xlsx(stream, limits, stop_after=stop_after, progress=progress or (lambda share: None),
                             layout=layout, kinds=kinds)


def _size(stream: IO[bytes]) -> int:
    position = stream.tell()
    size = stream.seek(0, 2)
    stream.seek(position)
    return size


def _mb(size: int) -> str:
    return format_decimal(size / MB, format="#,##0.#")


class _Counter:
    """Counts the records kept against the limit, and every line or row read, blank ones too, against the caller's
    `stop_after` (a request must not walk millions of empty rows either)."""

    def __init__(self, limits: Limits, stop_after: int | None):
        self.limits, self.stop_after, self.read, self.rows, self.cells = limits, stop_after, 0, 0, 0

    def seen(self) -> None:
        self.read += 1
        if self.stop_after is not None and self.read > self.stop_after:
            raise MoreRows

    def add(self) -> None:
        self.rows += 1
        if self.rows > self.limits.max_rows:
            raise FileError(_("The file has more than %(max)s records; an import reads at most %(max)s. Split it "
                              "into several files.", max=_count(self.limits.max_rows)))

    def add_cells(self, count: int) -> None:
        self.cells += count
        if self.cells > self.limits.max_cells:
            raise FileError(_("The workbook has more than %(max)s cells; an import reads at most %(max)s.",
                              max=_count(self.limits.max_cells)))


def _count(number: int) -> str:
    return format_number(number)


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


def _too_many_columns(where: str, limits: Limits) -> FileError:
    return FileError(_("%(where)s has values beyond column %(max)s; an import reads at most %(max)s columns.",
                       where=where, max=limits.max_columns))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# ---------------------------------------------------------------- CSV

_NEWLINE = re.compile(rb"\r\n?|\n")
_CHUNK = 256 * 1024


def _lines(stream: IO[bytes], limits: Limits, size: int, progress: Progress) -> Iterator[str]:
    """The physical lines of a UTF-8 file, line endings kept (\\n, \\r\\n or \\r), each decoded on its own so that
    an encoding error names its line and byte; a line longer than the limit is refused before it is all read."""
    buffer, offset, number = b"", 0, 1
    chunk = stream.read(_CHUNK)
    if chunk.startswith(b"\xef\xbb\xbf"):
        chunk, offset = chunk[3:], 3
    while True:
        progress(stream.tell() / size if size else 1.0)
        buffer += chunk
        start = 0
        for match in _NEWLINE.finditer(buffer):
            if chunk and match.end() == len(buffer) and match.group() == b"\r":
                break  # perhaps the first half of \r\n: wait for the next chunk
            if match.end() - start > limits.max_line_bytes:
                break
            yield _decode(buffer[start:match.end()], offset + start, number)
            number += 1
            start = match.end()
        buffer, offset = buffer[start:], offset + start
        if len(buffer) > limits.max_line_bytes:
            raise FileError(_("Line %(line)s is longer than %(max)s kB; is this an inventory CSV file?",
                              line=number, max=limits.max_line_bytes // 1024))
        if not chunk:
            if buffer:
                yield _decode(buffer, offset, number)
            return
        chunk = stream.read(_CHUNK)


def _decode(data: bytes, offset: int, number: int) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FileError(_("The file is not UTF-8 text (line %(line)s, byte %(byte)s). Save it as "
                          "\"CSV UTF-8\" and try again.", line=number, byte=offset + error.start + 1)) from None
    if "\x00" in text:
        raise FileError(_("The file is not a CSV text file."))
    return text


def read_csv(stream: IO[bytes], limits: Limits, *, stop_after: int | None = None,
             progress: Progress = lambda share: None, layout: Layout = INVENTORY) -> list[Row]:
    """The lines of a CSV file, or FileError naming what is wrong."""
    return list(iter_csv(stream, limits, stop_after=stop_after, progress=progress, layout=layout))


def iter_csv(stream: IO[bytes], limits: Limits, *, stop_after: int | None = None,
             progress: Progress = lambda share: None, layout: Layout = INVENTORY,
             kinds: Collection[str] | None = None, kind_runs: list[str] | None = None) -> Iterator[Row]:
    """The lines of a CSV file as they are read (those of `kinds` only, if given), or FileError; `kind_runs`, if
    given, receives the kind of each run of lines of one kind, in file order."""
    lines = _lines(stream, limits, _size(stream), progress)
    first_line = next(lines, "")
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(chain([first_line], lines), delimiter=delimiter, strict=True)
    try:
        header = [cell.strip() for cell in next(reader, [])]
        if not any(header):
            raise FileError(_("The file is empty: the first line must name the columns."))
        if len(header) > limits.max_columns:
            raise _too_many_columns(_("Line 1"), limits)
        if layout.single:
            _check_columns(header, layout.csv_headers, _("Line 1"), layout.csv_headers)
        elif "entity" not in header:
            raise FileError(_("Line 1: the column 'entity' is missing (site, building, floor or space on each "
                              "line). The columns are those of an export: %(expected)s.",
                              expected=", ".join(layout.csv_headers)))
        else:
            _check_columns(header, layout.csv_headers, _("Line 1"), ["entity"])
        yield from _csv_rows(reader, header, limits, stop_after, layout, kinds,
                             kind_runs if kind_runs is not None else [])
    except csv.Error as error:
        raise FileError(_("The CSV file is malformed (line %(line)s): %(error)s", line=reader.line_num,
                          error=str(error))) from None


def _csv_rows(reader, header: list[str], limits: Limits, stop_after: int | None, layout: Layout,
              kinds: Collection[str] | None, kind_runs: list[str]) -> Iterator[Row]:
    counter = _Counter(limits, stop_after)
    kinds_present: set[str] = set()
    width = len(header)
    # Per line, only the cells of the columns that do not belong to its entity need checking for stray values.
    foreign = {kind: [name for name in dict.fromkeys(header)
                      if name and name != "entity" and name not in layout.headers[kind]]
               for kind in layout.kinds}
    line_label = _("line %(line)s")  # translated once: gettext per line costs seconds on 100,000 lines
    entity_at = header.index("entity") if "entity" in header else len(header)
    for number, cells in enumerate(reader, start=2):
        counter.seen()
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > width and any(cell.strip() for cell in cells[width:]):
            raise FileError(_("Line %(line)s has more values than there are columns.", line=number))
        counter.add()
        if layout.single:
            entity = layout.kinds[0]
        else:
            entity = cells[entity_at].strip().lower() if entity_at < len(cells) else ""
        kind = layout.kind_of_entity.get(entity)
        if not kind_runs or kind_runs[-1] != (kind or ""):
            kind_runs.append(kind or "")
        if kind is None:
            if kinds is None or "" in kinds:
                yield Row("", number, line_label % {"line": number}, {"entity": entity})
            continue
        kinds_present.add(kind)
        if kinds is not None and kind not in kinds:
            continue  # read and checked, not kept: another pass takes it
        values = dict(zip(header, cells, strict=False))
        where = line_label % {"line": number}
        raw = {name: spreadsheet_text_from_csv(values.get(name, "")) for name in layout.headers[kind]}
        stray = [name for name in foreign[kind] if values.get(name, "").strip()]
        if stray:
            raw["__stray__"] = stray
        yield Row(kind, number, where, raw)
    for kind in sorted(kinds_present, key=layout.kinds.index):
        _check_columns(header, layout.csv_headers, _("Line 1"), layout.headers[kind])


# ---------------------------------------------------------------- XLSX

_SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$")


def _check_zip(stream: IO[bytes], limits: Limits) -> None:
    """Refuse a workbook whose zip directory claims too much, before zipfile reads that directory."""
    size = _size(stream)
    stream.seek(max(0, size - 65_557))  # the end record (22 bytes) and at most a 64 kB comment
    tail = stream.read()
    stream.seek(0)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        raise FileError(_("The file is not a readable .xlsx workbook."))
    entries = struct.unpack("<H", tail[at + 10:at + 12])[0]
    if entries > limits.max_entries:  # 0xFFFF (ZIP64, millions of entries) included
        raise FileError(_("The workbook holds %(count)s parts; an inventory workbook has about 15 (at most "
                          "%(max)s are read).", count=entries, max=limits.max_entries))


def _check_parts(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse a workbook whose declared sizes exceed the limits (zipfile stops at a part's declared size)."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if not _SHEET_PART.match(info.filename) and info.file_size > limits.max_part_bytes:
            raise FileError(_("The part %(part)s of the workbook unpacks to %(size)s MB; an import reads at most "
                              "%(max)s MB of it (a cell holding a huge text?).", part=info.filename[:80],
                              size=_mb(info.file_size), max=_mb(limits.max_part_bytes)))
    if total > limits.max_unpacked_bytes:
        raise FileError(_("The workbook unpacks to %(size)s MB; an import reads at most %(max)s MB.",
                          size=_mb(total), max=_mb(limits.max_unpacked_bytes)))


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date() if (value.hour, value.minute, value.second) == (0, 0, 0) else value
    if isinstance(value, float):  # a spreadsheet number: the figure as typed (shortest repr), read exactly
        return int(value) if value.is_integer() else Decimal(repr(value))
    return value


def read_xlsx(stream: IO[bytes], limits: Limits, *, stop_after: int | None = None,
              progress: Progress = lambda share: None, layout: Layout = INVENTORY) -> list[Row]:
    """The rows of the sheets of a workbook (the inventory's four), or FileError naming what is wrong."""
    return list(iter_xlsx(stream, limits, stop_after=stop_after, progress=progress, layout=layout))


def iter_xlsx(stream: IO[bytes], limits: Limits, *, stop_after: int | None = None,
              progress: Progress = lambda share: None, layout: Layout = INVENTORY,
              kinds: Collection[str] | None = None) -> Iterator[Row]:
    """The rows of the sheets of a workbook as they are read, sheet after sheet (those of `kinds` only, if given;
    every sheet is still checked), or FileError."""
    from openpyxl import load_workbook

    _check_zip(stream, limits)
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise FileError(_("The file is not a readable .xlsx workbook.")) from None
    with archive:
        _check_parts(archive, limits)
        try:
            workbook = load_workbook(stream, read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 — openpyxl raises many kinds of errors for a damaged file
            raise FileError(_("The file is not a readable .xlsx workbook.")) from None
    try:
        missing = [kind for kind in layout.kinds if kind not in workbook.sheetnames and kind not in layout.optional]
        if missing:
            raise FileError(_("The workbook has no sheet named %(names)s; it needs the sheets %(expected)s "
                              "(as an export writes them).", names=", ".join(missing),
                              expected=", ".join(kind for kind in layout.kinds if kind not in layout.optional)))
        present = [kind for kind in layout.kinds if kind in workbook.sheetnames]
        sizes = {kind: workbook._archive.getinfo(workbook[kind]._worksheet_path).file_size for kind in present}
        total, before = sum(sizes.values()) or 1, 0
        counter = _Counter(limits, stop_after)
        for kind in present:
            def sheet_progress(position: int, before: int = before) -> None:
                progress((before + position) / total)

            try:
                for row in _sheet_rows(workbook, kind, limits, counter, sheet_progress, layout.headers[kind]):
                    if kinds is None or kind in kinds:
                        yield row
            except (FileError, MoreRows):
                raise
            except Exception:  # noqa: BLE001
                raise FileError(_("Sheet %(sheet)s cannot be read: the workbook is damaged.", sheet=kind)) from None
            before += sizes[kind]
    finally:
        workbook.close()


def _sheet_rows(workbook, kind: str, limits: Limits, counter: _Counter,
                progress: Callable[[int], None], headers: list[str]) -> Iterator[Row]:
    """The rows of one sheet, from its row elements as they come (openpyxl's read-only parser, without the
    padding to the declared dimension that `iter_rows` does, and with the row numbers checked)."""
    from openpyxl.worksheet._reader import WorkSheetParser

    sheet = workbook[kind]
    line_label = _("%(sheet)s, line %(line)s")
    header: list[str] | None = None
    previous = 0
    with sheet._get_source() as source:
        parser = WorkSheetParser(source, sheet._shared_strings, data_only=True, epoch=workbook.epoch,
                                 date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats)
        for number, row_cells in parser.parse():
            if not previous < number <= XLSX_MAX_ROW:
                raise FileError(_("Sheet %(sheet)s numbers its rows out of order or beyond line %(max)s: the "
                                  "workbook is damaged.", sheet=kind, max=_count(XLSX_MAX_ROW)))
            previous = number
            counter.seen()
            counter.add_cells(len(row_cells))
            if number % 1000 == 0:
                progress(source.tell())
            values = [None] * limits.max_columns
            for cell in row_cells:
                if cell["column"] > limits.max_columns:
                    if not _blank(cell["value"]):
                        raise _too_many_columns(_("Sheet %(sheet)s, line %(line)s", sheet=kind, line=number), limits)
                    continue
                values[cell["column"] - 1] = cell["value"]
            if header is None:
                # The header is line 1 (a sheet starting lower has no header, as an export has one there).
                header = [str(value).strip() if value is not None else "" for value in values] if number == 1 else []
                while header and not header[-1]:
                    header.pop()
                _check_columns(header, headers, _("Sheet %(sheet)s, line 1", sheet=kind), headers)
                continue
            if all(_blank(value) for value in values):
                continue
            if any(not _blank(value) for value in values[len(header):]):
                raise FileError(_("Sheet %(sheet)s, line %(line)s has more values than there are columns.",
                                  sheet=kind, line=number))
            counter.add()
            raw = {name: _cell(value) for name, value in zip(header, values, strict=False)}
            for name in headers:
                raw.setdefault(name, None)
            yield Row(kind, number, line_label % {"sheet": kind, "line": number}, raw)
    if header is None:
        _check_columns([], headers, _("Sheet %(sheet)s, line 1", sheet=kind), headers)
