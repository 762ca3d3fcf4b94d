"""Import of actuals (commitments, payments) and AP revisions from a CSV or XLSX file, all or nothing.

One line per change, applied in order through the same rules and services as the forms and the API, so that
the budget rules (facilities.works.budget) refuse the same amounts with the same messages. Columns:

    operation_id, kind, year, committed_eur, paid_eur, amount_eur, voted_on, reason, cp

`kind` is `actuals` (year, committed_eur, paid_eur) or `revision` (amount_eur, voted_on, reason, and cp, the new
échéancier written "2030: 500000; 2031: 500000"). A file with any bad line changes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import gettext as _

from facilities.extensions import db
from facilities.formatting import spreadsheet_text_from_csv
from facilities.validation import ValidationError
from facilities.works import rules, services
from facilities.works.models import Operation

COLUMNS = ("operation_id", "kind", "year", "committed_eur", "paid_eur", "amount_eur", "voted_on", "reason", "cp")
KINDS = ("actuals", "revision")
MAX_BYTES = 5 * 1024 * 1024
MAX_LINES = 20_000


@dataclass
class LedgerImport:
    """What an import did: lines applied, or the errors of each bad line ("line 3 · paid_eur" → message)."""

    applied: int = 0
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_rows(data: bytes, filename: str) -> list[dict[str, str]]:
    """The lines of a .csv (comma, semicolon or tab; UTF-8) or .xlsx file as dicts of text, or ValidationError."""
    if len(data) > MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than %(n)s MiB.", n=MAX_BYTES // (1024 * 1024))})
    name = filename.lower()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(data)
    elif name.endswith(".csv"):
        rows = _csv_rows(data)
    else:
        raise ValidationError({"file": _("Send a .csv or .xlsx file.")})
    if not rows:
        raise ValidationError({"file": _("The file is empty.")})
    header = [str(cell or "").strip().lower() for cell in rows[0]]
    missing = [column for column in ("operation_id", "kind") if column not in header]
    unknown = [column for column in header if column and column not in COLUMNS]
    if missing or unknown:
        raise ValidationError({"file": _("The first line must name the columns %(columns)s (missing: %(missing)s; "
                                         "unknown: %(unknown)s).", columns=", ".join(COLUMNS),
                                         missing=", ".join(missing) or "—", unknown=", ".join(unknown) or "—")})
    if len(rows) - 1 > MAX_LINES:
        raise ValidationError({"file": _("The file has more than %(n)s lines.", n=MAX_LINES)})
    return [{name: ("" if value is None else str(value).strip()) for name, value in zip(header, row, strict=False)}
            for row in rows[1:] if any(str(value or "").strip() for value in row)]


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError({"file": _("The file is not UTF-8 text.")}) from None
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    try:
        return [[spreadsheet_text_from_csv(cell) for cell in row]
                for row in csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)]
    except csv.Error as error:
        raise ValidationError({"file": _("The CSV file cannot be read: %(error)s", error=str(error))}) from None


def _xlsx_rows(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        return [list(row) for _i, row in zip(range(MAX_LINES + 2), sheet.iter_rows(values_only=True), strict=False)]
    except Exception:  # noqa: BLE001 — any unreadable workbook gets the same answer
        raise ValidationError({"file": _("The XLSX file cannot be read.")}) from None


def _operation(raw: str, envelope_id: int | None) -> Operation:
    try:
        op_id = int(raw)
    except ValueError:
        raise ValidationError({"operation_id": _("must be an operation number")}) from None
    op = db.session.get(Operation, op_id) if 0 < op_id < 2**31 else None
    if op is None or (envelope_id is not None and op.envelope_id != envelope_id):
        raise ValidationError({"operation_id": _("Operation %(id)s does not exist in this programme", id=raw)})
    return op


def _apply(row: dict[str, str], envelope_id: int | None) -> None:
    op = _operation(row.get("operation_id", ""), envelope_id)
    kind = row.get("kind", "").lower()
    if kind == "actuals":
        services.set_actual(op, rules.clean_actual(row))
    elif kind == "revision":
        raw = {key: row.get(key) for key in ("amount_eur", "voted_on", "reason")}
        raw["cp"] = "\n".join(part for part in (row.get("cp") or "").split(";") if part.strip())
        services.add_ap_revision(op, rules.clean_ap_revision(raw))
    else:
        raise ValidationError({"kind": _("must be one of %(kinds)s", kinds=", ".join(KINDS))})


def import_rows(rows: Iterable[dict[str, str]], envelope_id: int | None = None) -> LedgerImport:
    """Apply each line in order (each sees the lines before it); a bad line is undone and named. The caller
    rolls the whole import back when `errors` is not empty (all or nothing)."""
    report = LedgerImport()
    for number, row in enumerate(rows, start=2):
        try:
            with db.session.begin_nested():  # a savepoint: a refused line is undone alone, the others stay
                _apply(row, envelope_id)
            report.applied += 1
        except ValidationError as error:
            for key, message in error.errors.items():
                report.errors[_("line %(n)s · %(field)s", n=number, field=key)] = message
    return report


def import_file(data: bytes, filename: str, envelope_id: int | None = None) -> LedgerImport:
    """Read and apply a file; ValidationError for a file that cannot be read. Nothing is committed here."""
    return import_rows(read_rows(data, filename), envelope_id)
