"""Administration of the dated reference tables: which fields each table has, adding and closing rows.

A new row must not share a day of validity with another row of the same key (e.g. two electricity
factors in force on the same day): the administrator closes the old row (sets its valid_to) first.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import format_decimal
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from facilities import years
from facilities.energy import reference as ref
from facilities.energy.forms import CARRIER_LABELS, METRIC_LABELS, SCALE_LABELS
from facilities.energy.models import REFERENCE_MODELS, DatedRowMixin, DpeScaleRecord
from facilities.energy.services import forget_reference_data, record_values
from facilities.extensions import db
from facilities.formatting import format_day
from facilities.validation import Rule, ValidationError, clean, year_rule


def _codes(enum) -> Callable[[], list[str]]:
    return lambda: [str(member) for member in enum]


def _factor(name: str, label, *, allow_zero: bool) -> Rule:
    return Rule(name, "decimal", label, required=True, minimum=Decimal(0), exclusive_minimum=not allow_zero)


CARRIER = Rule("carrier", "choice", _l("Energy carrier"), required=True, choices=_codes(ref.Carrier))

COMMON_RULES = (
    Rule("valid_from", "date", _l("Valid from"), required=True),
    Rule("valid_to", "date", _l("Valid to (inclusive, empty: still in force)")),
    Rule("source", "text", _l("Source (text, article, date)"), required=True, max_length=300),
)


@dataclass(frozen=True)
class ReferenceTable:
    """One editable reference table: its own fields (besides validity and source) and how to show a row."""

    name: str
    title: Any
    rules: tuple[Rule, ...]
    key_label: Callable[[DatedRowMixin], str]
    value_label: Callable[[DatedRowMixin], str]

    @property
    def model(self) -> type[DatedRowMixin]:
        return REFERENCE_MODELS[self.name]

    @property
    def all_rules(self) -> tuple[Rule, ...]:
        return self.rules + COMMON_RULES


def _plain(value: Decimal) -> str:
    """A factor as the reader writes numbers (2,3 in French), every significant decimal kept."""
    value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return format_decimal(value, format="#,##0.######", locale=str(get_locale() or "fr"))


def _label(labels, code) -> str:
    """A code shown as its label in the reader's language (the code itself when the list lacks it)."""
    return str(labels.get(code, code))


TABLES: dict[str, ReferenceTable] = {
    table.name: table
    for table in (
        ReferenceTable(
            "primary_energy_factors", _l("Primary-energy factors (kWh primary per kWh final)"),
            (CARRIER, _factor("factor", _l("Factor"), allow_zero=False)),
            lambda r: _label(CARRIER_LABELS, r.carrier), lambda r: _plain(r.factor),
        ),
        ReferenceTable(
            "emission_factors", _l("Emission factors (kg CO2e per kWh final)"),
            (CARRIER, _factor("kg_co2e_per_kwh", _l("kg CO2e per kWh"), allow_zero=True),
             Rule("network", "text", _l("Network (district heating or cooling; empty: generic value)"),
                  max_length=100)),
            lambda r: (f"{_label(CARRIER_LABELS, r.carrier)} / {r.network}" if r.network
                       else _label(CARRIER_LABELS, r.carrier)), lambda r: _plain(r.kg_co2e_per_kwh),
        ),
        ReferenceTable(
            "dpe_scales", _l("DPE scales (upper bounds of classes A to F; G above)"),
            (
                Rule("code", "choice", _l("Scale"), required=True, choices=_codes(ref.ScaleCode)),
                Rule("metric", "choice", _l("Metric"), required=True, choices=_codes(ref.ScaleMetric)),
                Rule("label", "text", _l("Label"), required=True, max_length=200),
                Rule("upper_bounds", "text", _l("Upper bounds of A, B, C, D, E, F"), required=True,
                     max_length=200),
                Rule("upper_inclusive", "bool", _l("A value equal to a bound stays in the class"), default=False),
                Rule("in_label", "bool", _l("Counts for the DPE letter"), default=False),
            ),
            lambda r: f"{_label(SCALE_LABELS, r.code)} / {_label(METRIC_LABELS, r.metric)}",
            lambda r: " · ".join(
                f"{letter} {'≤' if r.upper_inclusive else '<'} {_plain(getattr(r, column))}"
                for letter, column in zip(ref.DPE_LETTERS, DpeScaleRecord.BOUND_COLUMNS, strict=False)
            ),
        ),
        ReferenceTable(
            "tertiaire_weights", _l("Décret tertiaire weights per carrier"),
            (CARRIER, _factor("weight", _l("Weight"), allow_zero=True)),
            lambda r: _label(CARRIER_LABELS, r.carrier), lambda r: "× " + _plain(r.weight),
        ),
        ReferenceTable(
            "tertiaire_targets", _l("Décret tertiaire targets"),
            (
                year_rule("year", _l("Target year"), years.REGULATION, required=True),
                Rule("reduction", "decimal", _l("Reduction (fraction, 0.40 for −40 %)"), required=True,
                     minimum=Decimal(0), exclusive_minimum=True, maximum=Decimal("0.99")),
            ),
            lambda r: str(r.year), lambda r: f"−{_plain(Decimal(r.reduction) * 100)} %",
        ),
        ReferenceTable(
            "tertiaire_rules", _l("Décret tertiaire scope and reference window"),
            (
                Rule("min_area_m2", "decimal", _l("Subject from (m²)"), required=True, minimum=Decimal(0),
                     exclusive_minimum=True),
                year_rule("reference_first_year", _l("Reference window: first year"), years.REGULATION,
                          required=True),
                year_rule("reference_last_year", _l("Reference window: last year"), years.REGULATION,
                          required=True),
                Rule("first_full_year_deadline", "date",
                     _l("Without a year in the window: first full year, provisional until")),
                Rule("declaration_month", "int", _l("Year N declared by (month of N + 1)"), minimum=1, maximum=12),
                Rule("declaration_day", "int", _l("Year N declared by (day of that month)"), minimum=1, maximum=31),
            ),
            lambda r: _("Décret tertiaire"),
            lambda r: f"≥ {_plain(r.min_area_m2)} m², {r.reference_first_year}–{r.reference_last_year}" + (
                f", {format_day(r.first_full_year_deadline, str(get_locale() or 'fr'))}" if r.first_full_year_deadline
                else "") + (
                _(", year N declared by %(day)s/%(month)s of N + 1", day=str(r.declaration_day).zfill(2),
                  month=str(r.declaration_month).zfill(2)) if r.declaration_month else ""),
        ),
        ReferenceTable(
            "dpe_display_rules", _l("Mandatory DPE display (public buildings open to the public)"),
            (
                Rule("min_area_m2", "decimal", _l("Over (m²)"), required=True, minimum=Decimal(0),
                     exclusive_minimum=True),
                Rule("max_erp_category", "int", _l("ERP categories 1 to"), required=True, minimum=1, maximum=5),
                Rule("public_owner_only", "bool", _l("Public owners only"), default=False),
            ),
            lambda r: _("Mandatory DPE display"),
            lambda r: _("over %(area)s m², ERP categories 1 to %(category)s", area=_plain(r.min_area_m2),
                        category=r.max_erp_category) + (_(", public owners") if r.public_owner_only else ""),
        ),
    )
}


def table_or_none(name: str) -> ReferenceTable | None:
    return TABLES.get(name)


def rows_of(table: ReferenceTable) -> list[DatedRowMixin]:
    """The rows of a table, oldest first within each key."""
    model = table.model
    return list(db.session.execute(select(model).order_by(model.valid_from, model.id)).scalars())


def _bounds(text: str) -> tuple[Decimal, ...]:
    """Six numbers separated by commas, semicolons or spaces (decimals with a point)."""
    parts = [p for p in re.split(r"[,;\s]+", text.strip()) if p]
    try:
        return tuple(Decimal(p) for p in parts)
    except InvalidOperation:
        raise ValidationError({"upper_bounds": _("Upper bounds must be six numbers separated by commas or "
                                                 "spaces, e.g. 50, 110, 210, 350, 540, 750.")}) from None


def clean_row(table: ReferenceTable, raw: dict) -> dict:
    """Typed values of a new row of `table`, or ValidationError."""
    values = clean(table.all_rules, raw)
    if table.name == "dpe_scales":
        values["upper_bounds"] = _bounds(values["upper_bounds"])
    return values


def _pure_row(table: ReferenceTable, values: dict) -> ref.DatedRow:
    try:
        return table.model.row_type(**values)
    except ValueError as error:
        field = "valid_to" if "valid_to" in str(error) else (
            "upper_bounds" if table.name == "dpe_scales" else table.rules[-1].name)
        raise ValidationError({field: str(error)}) from None


def _overlap_message(other: DatedRowMixin, key: str) -> str:
    return _(
        "Another row for %(key)s is in force from %(start)s to %(end)s (row %(id)s): validity periods of the "
        "same key must not overlap. Close that row first (set its end date), or choose other dates.",
        key=key, start=other.valid_from.isoformat(), end=other.valid_to.isoformat() if other.valid_to else _("today"),
        id=other.id,
    )


def add_row(table: ReferenceTable, values: dict) -> DatedRowMixin:
    """Add a row; refused (ValidationError) when its validity overlaps a row of the same key."""
    new = _pure_row(table, values)
    for record in rows_of(table):
        existing = record.to_row()
        if ref.find_overlaps([existing, new]):
            raise ValidationError({"valid_from": _overlap_message(record, table.key_label(record))})
    record = table.model(**record_values(new))
    db.session.add(record)
    db.session.flush()
    forget_reference_data()
    return record


def close_row(table: ReferenceTable, record: DatedRowMixin, valid_to: date | None) -> DatedRowMixin:
    """End a row's validity on `valid_to` (inclusive); it must not end before it starts."""
    if valid_to is None:
        raise ValidationError({"valid_to": _("Valid to is required")})
    if valid_to < record.valid_from:
        raise ValidationError({"valid_to": _("Valid to (%(end)s) must not be before valid from (%(start)s).",
                                             end=valid_to.isoformat(), start=record.valid_from.isoformat())})
    record.valid_to = valid_to
    db.session.flush()
    forget_reference_data()
    return record


CLOSE_RULES = (Rule("valid_to", "date", _l("Valid to (inclusive)"), required=True),)


def clean_close(raw: dict) -> dict:
    """The end date of a row being closed."""
    return clean(CLOSE_RULES, raw)
