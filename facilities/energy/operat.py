"""The OPERAT declaration of a year, one row per EFA (CSV or XLSX), and the declarations still to make.

The export's columns are declared once, in `OPERAT_COLUMNS` (header with its unit, how to compute it): a change
of the platform's template is a change of that list. Consumption is final energy in kWh as recorded (raw); the
weighted total applies the Décret tertiaire weights of the year (district heating × 0.77, cooling × 0.25);
the reference year gives its raw and weighted totals, its area and its weighted kWh/m² (Créf).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import force_locale

from facilities.energy.efa_figures import COMPLETE, EfaYear, efa_year
from facilities.energy.efas import EfaFigures, all_efas, efa_figures
from facilities.energy.reference import Carrier, ReferenceData, reference_date
from facilities.energy.services import reference_data
from facilities.extensions import db
from facilities.formatting import spreadsheet_row, xlsx_bytes
from facilities.inventory.catalogue import ACTIVITY_CATEGORY_LABELS, label
from facilities.inventory.models import Site


@dataclass(frozen=True)
class OperatRow:
    """What one export line is built from: an EFA, its site, its figures, the year declared."""

    figures: EfaFigures
    site: Site
    year: EfaYear
    weighted_kwh: Decimal | None
    reference_year: EfaYear | None
    reference_weighted_kwh: Decimal | None


def weighted(by_carrier: dict[str, Decimal], year: int, ref: ReferenceData) -> Decimal:
    """Σ kWh × the Décret tertiaire weight of the carrier in force at the end of `year`."""
    on = reference_date(year)
    return sum((kwh * ref.tertiaire_weight(carrier, on).weight for carrier, kwh in by_carrier.items()), Decimal(0))


def _number(value: Decimal | float | None, places: int = 0) -> str:
    if value is None:
        return ""
    return str(Decimal(str(value)).quantize(Decimal(1).scaleb(-places)))


def _carrier(carrier: Carrier) -> Callable[[OperatRow], str]:
    return lambda row: _number(row.year.by_carrier.get(str(carrier)))


def _category(row: OperatRow) -> str:
    with force_locale("fr"):  # codes travel with their French label
        return label(ACTIVITY_CATEGORY_LABELS, row.figures.efa.activity_category)


def _reference(row: OperatRow):
    return row.figures.reference


# The export's columns, in order: (header with its unit, how to compute it). Change this list when OPERAT's
# template changes.
OPERAT_COLUMNS: list[tuple[str, Callable[[OperatRow], str]]] = [
    ("efa_id", lambda r: str(r.figures.efa.id)),
    ("efa_label", lambda r: r.figures.efa.label),
    ("site_code", lambda r: r.site.code),
    ("site_name", lambda r: r.site.name),
    ("address", lambda r: r.site.address or ""),
    ("postcode", lambda r: r.site.postcode or ""),
    ("commune_insee_code", lambda r: r.site.commune_code or ""),
    ("commune_name", lambda r: r.site.commune_name or ""),
    ("buildings", lambda r: " ".join(p.code for p in r.figures.parts)),
    ("activity_category", lambda r: r.figures.efa.activity_category or ""),
    ("activity_category_label", _category),
    ("tertiary_area_m2", lambda r: _number(r.figures.area_m2, 2)),
    ("year", lambda r: str(r.year.year)),
    ("year_status", lambda r: r.year.status),
    *((f"kwh_final_{carrier}", _carrier(carrier)) for carrier in Carrier),
    ("kwh_final_total", lambda r: _number(r.year.total_kwh) if r.year.by_carrier else ""),
    ("kwh_weighted_total", lambda r: _number(r.weighted_kwh)),
    ("reference_year", lambda r: str(_reference(r).year) if _reference(r) else ""),
    ("reference_kwh_final_total", lambda r: _number(r.reference_year.total_kwh) if r.reference_year else ""),
    ("reference_kwh_weighted_total", lambda r: _number(r.reference_weighted_kwh)),
    ("reference_area_m2", lambda r: _number(_reference(r).area_m2, 2) if _reference(r) else ""),
    ("reference_kwh_weighted_per_m2", lambda r: _number(_reference(r).kwh_m2, 2) if _reference(r) else ""),
]
HEADERS = [header for header, _fn in OPERAT_COLUMNS]


def operat_rows(year: int, today: date | None = None) -> list[OperatRow]:
    """One row per EFA subject to the Décret tertiaire, with its consumption of `year` (bulk loaded)."""
    ref = reference_data()
    found = [f for f in efa_figures(all_efas(), today) if f.subject]
    sites = {s.id: s for s in db.session.query(Site).filter(Site.id.in_({f.efa.site_id for f in found}))}
    rows = []
    for figures in found:
        this = efa_year(figures.parts, year)
        reference = efa_year(figures.parts, figures.reference.year) if figures.reference else None
        rows.append(OperatRow(
            figures, sites[figures.efa.site_id], this,
            weighted(this.by_carrier, year, ref) if this.by_carrier else None, reference,
            weighted(reference.by_carrier, reference.year, ref) if reference else None))
    rows.sort(key=lambda r: (r.site.code, r.figures.efa.label, r.figures.efa.id))
    return rows


def _table(year: int, today: date | None = None) -> list[list[str]]:
    return [[fn(row) for _header, fn in OPERAT_COLUMNS] for row in operat_rows(year, today)]


def operat_csv(year: int, today: date | None = None) -> tuple[str, int]:
    """The OPERAT export of a year as CSV text (UTF-8, comma separated) and its number of EFAs."""
    table = _table(year, today)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADERS)
    for line in table:
        writer.writerow(spreadsheet_row(line))
    return out.getvalue(), len(table)


def operat_xlsx(year: int, today: date | None = None) -> tuple[bytes, int]:
    """The OPERAT export of a year as a workbook (one sheet, the same columns) and its number of EFAs."""
    table = _table(year, today)
    return xlsx_bytes([(f"operat_{year}", HEADERS, table)]), len(table)


# ------------------------------------------------------------------------------------------- to declare


@dataclass(frozen=True)
class PendingDeclaration:
    """An EFA whose year to declare is missing or incomplete, and the days left to declare it."""

    figures: EfaFigures
    year: EfaYear
    deadline: date
    days_left: int  # negative: late


def pending_declarations(today: date | None = None) -> tuple[int, date | None, list[PendingDeclaration]]:
    """The year to declare (last year), its deadline (30 September, from the rule in force) and the subject EFAs
    whose consumption that year is missing or incomplete, the most urgent first."""
    today = today or date.today()
    ref = reference_data()
    year = today.year - 1
    deadline = ref.tertiaire_rule(today).declaration_deadline(year)
    if deadline is None:
        return year, None, []
    pending = []
    for figures in efa_figures(all_efas(), today):
        if not figures.subject:
            continue
        this = efa_year(figures.parts, year)
        if this.status != COMPLETE:
            pending.append(PendingDeclaration(figures, this, deadline, (deadline - today).days))
    pending.sort(key=lambda p: (p.year.status != "missing", p.figures.efa.label))
    return year, deadline, pending
