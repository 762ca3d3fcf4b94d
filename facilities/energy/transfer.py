"""Consumption import from CSV (command line and web); the OPERAT export is in `operat` (one row per EFA).

Import: columns building_code, year, carrier, kwh, optional area_m2 and source; a line for an existing
building + year + carrier replaces it. Every line is checked first; if ANY line is refused, nothing is
written. Messages name the line (the file's line number, header = line 1) and the field. A field's value is
read by the rules of the consumption form and the API (facilities.energy.input_validation), with their
messages; what concerns the file or several lines is an InputMessage (code and parameters), English on the
command line (`describe`, `summary`) and in the user's language on the import page (facilities.energy.messages).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from facilities.database import analyze_tables
from facilities.energy.input_messages import Code, InputMessage, message
from facilities.energy.input_validation import IMPORT_RULES, area_required_message, check_entry
from facilities.energy.models import BuildingEnergyYear, EnergyConsumption
from facilities.energy.services import (
    record_consumption,
)
from facilities.extensions import db
from facilities.inventory.models import Building

ANALYZE_AFTER_ROWS = 1000  # written lines after which PostgreSQL's statistics are refreshed (facilities.database)

REQUIRED_COLUMNS = ("building_code", "year", "carrier", "kwh")
OPTIONAL_COLUMNS = ("area_m2", "source")
MAX_LINES = 100_000  # a département's yearly file has a few thousand lines at most

CREATED, REPLACED, REFUSED = "created", "replaced", "refused"


@dataclass
class ImportLine:
    line: int
    status: str  # created / replaced / refused
    building_code: str | None = None
    year: int | None = None
    carrier: str | None = None
    kwh: Decimal | None = None
    errors: dict[str, InputMessage | str] = field(default_factory=dict)  # a rule's message, or a line's code

    def describe(self) -> str:
        """One line of the report in English, e.g. 'line 3: refused: kwh: kwh must not be negative (got -5)'."""
        kwh = None if self.kwh is None else f"{self.kwh.normalize():f}"  # as typed: 290000, not 290000.00
        what = " ".join(str(x) for x in (self.building_code, self.year, self.carrier, kwh) if x is not None)
        if self.status == REFUSED:
            reasons = "; ".join(f"{name}: {message}" for name, message in self.errors.items())
            return f"line {self.line}: refused: {reasons}" + (f" [{what}]" if what else "")
        return f"line {self.line}: {self.status}: {what} kWh"


@dataclass
class ImportReport:
    lines: list[ImportLine] = field(default_factory=list)
    error: InputMessage | None = None  # the whole file was refused (encoding, header, CSV syntax)
    written: bool = False

    def count(self, status: str) -> int:
        return sum(1 for line in self.lines if line.status == status)

    @property
    def ok(self) -> bool:
        return self.error is None and not any(line.status == REFUSED for line in self.lines)

    def summary(self) -> str:
        """The outcome in English (the command line)."""
        if self.error:
            return f"File refused: {self.error}. Nothing was written."
        text = (f"{self.count(CREATED)} created, {self.count(REPLACED)} replaced, "
                f"{self.count(REFUSED)} refused.")
        return text + (" Nothing was written." if not self.written else "")


class FileRefused(Exception):
    """The whole file is unusable (encoding, CSV syntax, header): what is wrong, as an InputMessage."""

    def __init__(self, message: InputMessage):
        super().__init__(str(message))
        self.message = message


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise FileRefused(message(Code.NOT_UTF8, line=line, byte=error.start + 1)) from None


def _rows(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (line number, fields) of each non-blank line; FileRefused on CSV syntax or header errors."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","  # French spreadsheets use ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    rows = []
    try:
        for fields in reader:
            if header is None:
                header = [name.strip().lower() for name in fields]
                continue
            if not any(value.strip() for value in fields):
                continue
            if len(rows) >= MAX_LINES:
                raise FileRefused(message(Code.TOO_MANY_LINES, maximum=MAX_LINES))
            rows.append((reader.line_num, fields))
    except csv.Error as error:
        raise FileRefused(message(Code.MALFORMED_CSV, line=reader.line_num, detail=str(error))) from None
    if not header or not any(header):
        raise FileRefused(message(Code.EMPTY_FILE, columns=",".join(REQUIRED_COLUMNS)))
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    unknown = [name for name in header if name not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    duplicated = sorted({name for name in header if header.count(name) > 1})
    problems = []
    if missing:
        problems.append(message(Code.MISSING_COLUMNS, columns=", ".join(missing)))
    if unknown:
        problems.append(message(Code.UNKNOWN_COLUMNS, columns=", ".join(repr(name) for name in unknown)))
    if duplicated:
        problems.append(message(Code.DUPLICATE_COLUMNS, columns=", ".join(duplicated)))
    if problems:
        raise FileRefused(message(Code.BAD_HEADER, problems=tuple(problems), columns=", ".join(REQUIRED_COLUMNS),
                                  optional=", ".join(OPTIONAL_COLUMNS)))
    return header, rows


def import_consumption_csv(data: bytes, *, write: bool = True, today: date | None = None) -> ImportReport:
    """Check every line of a consumption CSV, then write all of them, or none if any is refused."""
    report = ImportReport()
    try:
        header, rows = _rows(_decode(data))
    except FileRefused as refused:
        report.error = refused.message
        return report
    if not rows:
        report.error = message(Code.NO_DATA)
        return report

    codes = {fields[header.index("building_code")].strip() for _n, fields in rows
             if len(fields) == len(header)}
    buildings = {b.code: b for b in db.session.execute(select(Building).where(Building.code.in_(codes))).scalars()}
    ids = [b.id for b in buildings.values()]
    existing = {
        (bid, year, carrier)
        for bid, year, carrier in db.session.execute(
            select(EnergyConsumption.building_id, EnergyConsumption.year, EnergyConsumption.carrier)
            .where(EnergyConsumption.building_id.in_(ids)))
    }
    stored_areas = {
        (bid, year)
        for bid, year in db.session.execute(
            select(BuildingEnergyYear.building_id, BuildingEnergyYear.year)
            .where(BuildingEnergyYear.building_id.in_(ids), BuildingEnergyYear.area_m2.is_not(None)))
    }

    seen: dict[tuple[int, int, str], int] = {}
    file_areas: dict[tuple[int, int], tuple[Decimal, int]] = {}
    checked: list[tuple[ImportLine, Building | None, dict]] = []
    for line, fields in rows:
        if len(fields) != len(header):
            report.lines.append(ImportLine(line, REFUSED, errors={
                "line": message(Code.FIELD_COUNT, expected=len(header), columns=",".join(header), count=len(fields))}))
            continue
        raw = dict(zip(header, fields, strict=True))
        building = buildings.get(raw["building_code"].strip())
        values, errors = check_entry(raw, rules=IMPORT_RULES, today=today)
        if building is None and "building_code" not in errors:
            errors["building_code"] = message(Code.UNKNOWN_BUILDING, value=repr(raw["building_code"].strip()))
        entry = ImportLine(line, REFUSED, values["building_code"], values["year"],
                           str(values["carrier"]) if values["carrier"] else None, values["kwh"], errors)
        report.lines.append(entry)
        checked.append((entry, building, values))
        if building is None or values["year"] is None:
            continue
        if values["area_m2"] is not None:
            earlier = file_areas.setdefault((building.id, values["year"]), (values["area_m2"], line))
            if earlier[0] != values["area_m2"]:
                errors["area_m2"] = message(Code.AREA_DIFFERS, field="area_m2", value=str(values["area_m2"]),
                                            earlier=str(earlier[0]), line=earlier[1])
        if values["carrier"] is not None:
            key = (building.id, values["year"], str(values["carrier"]))
            if key in seen:
                errors["carrier"] = message(Code.DUPLICATE_LINE, line=seen[key])
            seen.setdefault(key, line)

    accepted: list[tuple[Building, dict]] = []
    for entry, building, values in checked:
        if building is not None and values["year"] is not None and values["area_m2"] is None:
            area_key = (building.id, values["year"])
            if (building.gross_floor_area_m2 is None and area_key not in stored_areas
                    and area_key not in file_areas and "area_m2" not in entry.errors):
                entry.errors["area_m2"] = area_required_message()
        if not entry.errors:
            key = (building.id, values["year"], str(values["carrier"]))
            entry.status = REPLACED if key in existing else CREATED
            accepted.append((building, values))
    if not report.ok or not write:
        return report
    for building, values in accepted:
        record_consumption(building, values)
    if len(accepted) >= ANALYZE_AFTER_ROWS:  # a bulk load: PostgreSQL's planner gets the new row counts
        db.session.flush()
        analyze_tables(EnergyConsumption.__tablename__, BuildingEnergyYear.__tablename__)
    report.written = True
    return report
