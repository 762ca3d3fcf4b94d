"""Hostile and large inventory files, built by code (openpyxl, then edits of the XML inside the zip).

Used by the bounds tests and by benchmarks/bench_imports.py; nothing here needs an application.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable

from facilities.inventory.bulk_columns import CSV_HEADERS, ENTITY, HEADERS, KINDS

SITE = {"code": "ATK-1", "name": "Site", "kind": "social_hub", "status": "open"}


def workbook(rows: dict[str, list[dict]] | None = None, write_only: bool = False) -> bytes:
    """A workbook with the four sheets and their headers, and the given rows (dicts by column name); as Excel
    writes it (shared strings, declared dimension), or streamed with inline strings (`write_only`, for big ones)."""
    from openpyxl import Workbook

    book = Workbook(write_only=write_only)
    if not write_only:
        book.remove(book.active)
    for kind in KINDS:
        sheet = book.create_sheet(kind)
        sheet.append(HEADERS[kind])
        for row in (rows or {}).get(kind, []):
            sheet.append([row.get(name) for name in HEADERS[kind]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite(data: bytes, edits: dict[str, Callable[[bytes], bytes] | Callable[[zipfile.ZipFile, str], None]],
            streamed: tuple[str, ...] = ()) -> bytes:
    """The same zip with some parts changed or added: `edits[name](old bytes or b"") -> new bytes`, or, for the
    names in `streamed`, `edits[name](archive, name)` writes the part itself (parts too large to hold in memory)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = [info.filename for info in source.infolist()]
        for name in names + [name for name in edits if name not in names]:
            if name in streamed:
                edits[name](target, name)
            elif name in edits:
                old = source.read(name) if name in names else b""
                target.writestr(name, edits[name](old), zipfile.ZIP_DEFLATED, compresslevel=9)
            else:
                target.writestr(source.getinfo(name), source.read(name))
    return out.getvalue()


def sheet_part(kind: str) -> str:
    return f"xl/worksheets/sheet{KINDS.index(kind) + 1}.xml"


def dimension_bomb() -> bytes:
    """A few-kB workbook whose sheets declare the whole grid, A1:XFD1048576 (17 billion cells), and reach it:
    an empty (formatted) cell in the grid's last row and column, as after formatting whole columns."""
    site = workbook({"sites": [SITE]})

    def claim(xml: bytes) -> bytes:
        xml = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:XFD1048576"/>', xml)
        return xml.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" s="0"/></row></sheetData>')

    return rewrite(site, {sheet_part(kind): claim for kind in KINDS})


def row_number_bomb(number: int = 2_000_000_000) -> bytes:
    """A workbook whose second row claims to be row `number` (openpyxl's padding would loop up to it)."""
    data = workbook({"sites": [SITE]})
    return rewrite(data, {sheet_part("sites"): lambda xml: re.sub(rb'<row r="2"', b'<row r="%d"' % number, xml)
                          .replace(b'r="A2"', b'r="A%d"' % number).replace(b'r="B2"', b'r="B%d"' % number)
                          .replace(b'r="C2"', b'r="C%d"' % number).replace(b'r="D2"', b'r="D%d"' % number)})


def empty_rows_workbook(count: int) -> bytes:
    """A site, then `count` empty row elements (formatted rows without a value), as a sheet may carry."""
    data = workbook({"sites": [SITE]})
    rows = b"".join(b'<row r="%d"/>' % number for number in range(3, count + 3))
    return rewrite(data, {sheet_part("sites"): lambda xml: xml.replace(b"</sheetData>", rows + b"</sheetData>")})


def far_column_workbook() -> bytes:
    """A site row with one more value in the last column of the grid, XFD."""
    data = workbook({"sites": [SITE]})
    return rewrite(data, {sheet_part("sites"): lambda xml: xml.replace(
        b"</row></sheetData>", b'<c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row></sheetData>')})


SHARED_STRINGS_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def shared_string_bomb(length: int) -> bytes:
    """A workbook with a shared-strings part holding one string of `length` characters (compressed ~1000:1),
    which the site's name refers to."""
    data = workbook({"sites": [SITE]})

    def write(archive: zipfile.ZipFile, name: str) -> None:
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=length > 2**31 - 100) as part:
            part.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
                       b'uniqueCount="1"><si><t>')
            block = b"a" * (1024 * 1024)
            for _ in range(length // len(block)):
                part.write(block)
            part.write(b"a" * (length % len(block)) + b"</t></si></sst>")

    return rewrite(data, {
        "xl/sharedStrings.xml": write,
        "[Content_Types].xml": lambda xml: xml.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" '
                                                       b'ContentType="' + SHARED_STRINGS_TYPE + b'"/></Types>'),
        sheet_part("sites"): lambda xml: xml.replace(b'<c r="B2" t="inlineStr"><is><t>Site</t></is></c>',
                                                     b'<c r="B2" t="s"><v>0</v></c>'),
    }, streamed=("xl/sharedStrings.xml",))


def many_parts_zip(count: int) -> bytes:
    """A zip with `count` empty parts besides a workbook's."""
    data = workbook()
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as archive:
        for index in range(count):
            archive.writestr(f"junk/{index}.xml", b"")
    return out.getvalue()


def space_rows(spaces: int, per_building: int = 1000) -> dict[str, list[dict]]:
    """One site, buildings of 10 floors, and `spaces` spaces, as rows by kind."""
    rows: dict[str, list[dict]] = {"sites": [dict(SITE)], "buildings": [], "floors": [], "spaces": []}
    for b in range(max(1, -(-spaces // per_building))):
        code = f"ATK-1-B{b:04d}"
        rows["buildings"].append({"site_code": "ATK-1", "code": code, "name": f"Building {b}"})
        for level in range(10):
            rows["floors"].append({"building_code": code, "level": level, "name": f"Level {level}"})
        for number in range(min(per_building, spaces - b * per_building)):
            rows["spaces"].append({"building_code": code, "level": number % 10, "code": f"{number % 10}.{number:04d}",
                                   "name": f"Room {number}", "space_type": "office", "area_m2": "12.5",
                                   "workstations": 1})
    return rows


def csv_file(rows: dict[str, list[dict]]) -> bytes:
    """Rows by kind as one inventory CSV file."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_HEADERS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for kind in KINDS:
        for row in rows.get(kind, []):
            writer.writerow({"entity": ENTITY[kind], **row})
    return out.getvalue().encode()
