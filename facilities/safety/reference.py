"""The safety area's reference tables as an administrator edits them: each table's rules, labels and checks.

Rows are dated (valid_from, valid_to inclusive) and carry their source and whether that source was checked
(`sourced`); two rows of the same key may not be in force on the same day.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from facilities.extensions import db
from facilities.inventory import erp
from facilities.inventory.catalogue import ERP_TYPE_LABELS, codes, label
from facilities.safety.catalogue import CHECK_TYPE_LABELS, EQUIPMENT_CATEGORY_LABELS, PERFORMER_LABELS
from facilities.safety.models import CheckRule, VisitRule
from facilities.validation import Rule, ValidationError, clean

ACCOMMODATION_LABELS = {"any": _l("with or without accommodation"), "with": _l("with accommodation"),
                        "without": _l("without accommodation")}
_ACCOMMODATION = {"any": None, "with": True, "without": False}
MAX_PEOPLE = 100_000

DATED_RULES = (
    Rule("valid_from", "date", _l("Valid from"), required=True, minimum=date(1900, 1, 1), maximum=date(2100, 12, 31)),
    Rule("valid_to", "date", _l("Valid to (inclusive)"), minimum=date(1900, 1, 1), maximum=date(2100, 12, 31)),
    Rule("source", "text", _l("Source"), required=True, max_length=300),
    Rule("sourced", "bool", _l("Value checked against the source text"), default=False),
)


@dataclass(frozen=True)
class ReferenceTable:
    name: str
    title: Any
    model: type
    rules: tuple[Rule, ...]
    key: Callable[[Any], tuple]  # rows of one key may not overlap in time
    key_label: Callable[[Any], str]
    value_label: Callable[[Any], str]
    to_form: Callable[[Any], dict] = lambda row: {}  # stored values in the form's shape
    to_model: Callable[[dict], dict] = lambda values: values  # cleaned values in the model's shape

    @property
    def all_rules(self) -> tuple[Rule, ...]:
        return (*self.rules, *DATED_RULES)


def _accommodation_code(value: bool | None) -> str:
    return {None: "any", True: "with", False: "without"}[value]


def _threshold_to_model(values: dict) -> dict:
    values = dict(values)
    values["with_accommodation"] = _ACCOMMODATION[values.pop("accommodation")]
    return values


TABLES: dict[str, ReferenceTable] = {}


def register(table: ReferenceTable) -> None:
    """Make a reference table editable on the safety reference page."""
    TABLES[table.name] = table


register(ReferenceTable(
    "erp_thresholds", _l("ERP: threshold of the 5th category, by type"), erp.ErpTypeThreshold,
    (Rule("erp_type", "choice", _l("ERP type"), required=True, choices=lambda: codes(ERP_TYPE_LABELS)),
     Rule("accommodation", "choice", _l("Accommodation"), required=True, choices=lambda: list(_ACCOMMODATION)),
     Rule("public_threshold", "int", _l("Public from which the category is 4 or lower"), required=True, minimum=1,
          maximum=MAX_PEOPLE)),
    key=lambda row: (row.erp_type, row.with_accommodation),
    key_label=lambda row: f"{label(ERP_TYPE_LABELS, row.erp_type)} · "
                          f"{ACCOMMODATION_LABELS[_accommodation_code(row.with_accommodation)]}",
    value_label=lambda row: _("%(n)s people (public)", n=row.public_threshold),
    to_form=lambda row: {"accommodation": _accommodation_code(row.with_accommodation)},
    to_model=_threshold_to_model,
))
register(ReferenceTable(
    "erp_scales", _l("ERP: categories 1 to 4 by capacity (public and staff)"), erp.ErpCategoryScale,
    (Rule("category_3_above", "int", _l("Category 3 above"), required=True, minimum=1, maximum=MAX_PEOPLE),
     Rule("category_2_above", "int", _l("Category 2 above"), required=True, minimum=1, maximum=MAX_PEOPLE),
     Rule("category_1_above", "int", _l("Category 1 above"), required=True, minimum=1, maximum=MAX_PEOPLE)),
    key=lambda row: (),
    key_label=lambda row: str(_("Categories by capacity")),
    value_label=lambda row: _("3 above %(c3)s, 2 above %(c2)s, 1 above %(c1)s people", c3=row.category_3_above,
                              c2=row.category_2_above, c1=row.category_1_above),
))


def _check_rule_to_model(values: dict) -> dict:
    values = dict(values)
    values["erp_categories"] = sorted(int(code) for code in values.get("erp_categories") or [])
    return values


def _applies_to(row) -> str:
    types = ", ".join(row.erp_types) if row.erp_types else _("every type")
    categories = ", ".join(map(str, row.erp_categories)) if row.erp_categories else _("every category")
    return _("ERP %(types)s, category %(categories)s", types=types, categories=categories)


register(ReferenceTable(
    "check_rules", _l("Periodic checks: what, where, how often, by whom"), CheckRule,
    (Rule("check_type", "choice", _l("Check"), required=True, choices=lambda: codes(CHECK_TYPE_LABELS)),
     Rule("equipment_category", "choice", _l("Equipment category"), required=True,
          choices=lambda: codes(EQUIPMENT_CATEGORY_LABELS)),
     Rule("erp_types", "list", _l("ERP types (empty: every type)"), choices=lambda: codes(ERP_TYPE_LABELS),
          default=list),
     Rule("erp_categories", "list", _l("ERP categories (empty: every category)"),
          choices=lambda: ["1", "2", "3", "4", "5"], default=list),
     Rule("periodicity_months", "int", _l("Periodicity (months)"), required=True, minimum=1, maximum=240),
     Rule("performer", "choice", _l("Performed by"), required=True, choices=lambda: codes(PERFORMER_LABELS))),
    key=lambda row: (row.check_type, tuple(row.erp_types or ()), tuple(row.erp_categories or ())),
    key_label=lambda row: f"{label(CHECK_TYPE_LABELS, row.check_type)} · "
                          f"{label(EQUIPMENT_CATEGORY_LABELS, row.equipment_category)} · {_applies_to(row)}",
    value_label=lambda row: _("every %(n)s months, %(who)s", n=row.periodicity_months,
                              who=label(PERFORMER_LABELS, row.performer)),
    to_form=lambda row: {"erp_types": list(row.erp_types or []),
                         "erp_categories": [str(c) for c in row.erp_categories or []]},
    to_model=_check_rule_to_model,
))

_RS = "Arrêté du 25 juin 1980 (règlement de sécurité)"
_CCH = "Code de la construction et de l'habitation"
# (check type, equipment category, ERP categories, months, performer, source). Every value here comes from
# secondary sources (domain-rules.md: "articles to confirm before use"): all are marked to confirm.
_CHECK_RULES = (
    ("electrical", "electrical", (1, 2, 3, 4), 12, "approved_body", f"{_RS}, art. EL 19"),
    ("electrical", "electrical", (5,), 12, "competent_technician", f"{_RS}, art. PE 4"),
    ("gas", "gas", (), 12, "competent_technician", f"{_RS}, art. GZ 30"),
    ("heating_ventilation", "heating", (), 12, "competent_technician", f"{_RS}, art. CH 58"),
    ("heating_ventilation", "ventilation", (), 12, "competent_technician", f"{_RS}, art. CH 58"),
    ("kitchen_hood", "kitchen_hood", (), 12, "competent_technician", f"{_RS}, art. GC 21"),
    ("fire_alarm", "fire_alarm", (), 12, "competent_technician", f"{_RS}, art. MS 73"),
    ("smoke_extraction", "smoke_extraction", (), 12, "competent_technician", f"{_RS}, art. DF 10"),
    ("emergency_lighting", "emergency_lighting", (), 12, "competent_technician", f"{_RS}, art. EC 15"),
    ("extinguishers", "extinguishers", (), 12, "competent_technician", f"{_RS}, art. MS 38"),
    ("fire_doors", "fire_doors", (), 12, "competent_technician", f"{_RS}, art. CO 48"),
    ("lift_yearly", "lift", (), 12, "competent_technician", f"{_RS}, art. AS 9; {_CCH}, art. R134-2"),
    ("lift_five_yearly", "lift", (), 60, "approved_body", f"{_CCH}, art. R134-11 (contrôle technique)"),
    ("automatic_doors", "automatic_doors", (), 6, "competent_technician", "Arrêté du 21 décembre 1993"),
    ("lightning_protection", "lightning_protection", (), 12, "competent_technician", f"{_RS}, art. PE 4"),
    ("legionella", "hot_water", (), 12, "competent_technician", "Arrêté du 1er février 2010 (légionelles)"),
)


def check_rule_seed() -> list[CheckRule]:
    """The initial periodic-check rows, every one to confirm (an administrator corrects them on the page)."""
    return [CheckRule(check_type=check_type, equipment_category=category, erp_types=[],
                      erp_categories=list(categories), periodicity_months=months, performer=performer,
                      valid_from=date(1980, 6, 25), source=f"{source} (secondary source: to check against the text)",
                      sourced=False)
            for check_type, category, categories, months, performer, source in _CHECK_RULES]


register(ReferenceTable(
    "visit_rules", _l("Safety commission: periodicity of visits"), VisitRule,
    (Rule("erp_types", "list", _l("ERP types (empty: every type)"), choices=lambda: codes(ERP_TYPE_LABELS),
          default=list),
     Rule("erp_categories", "list", _l("ERP categories (empty: every category)"),
          choices=lambda: ["1", "2", "3", "4", "5"], default=list),
     Rule("periodicity_months", "int", _l("Periodicity (months)"), required=True, minimum=1, maximum=240)),
    key=lambda row: (tuple(row.erp_types or ()), tuple(row.erp_categories or ())),
    key_label=_applies_to,
    value_label=lambda row: _("every %(n)s months", n=row.periodicity_months),
    to_form=lambda row: {"erp_types": list(row.erp_types or []),
                         "erp_categories": [str(c) for c in row.erp_categories or []]},
    to_model=_check_rule_to_model,
))

_GE4 = f"{_RS}, art. GE 4 (secondary source: to check against the text; accommodation not modelled)"
# (ERP types, categories, months): every row to confirm.
_VISIT_RULES = (
    (("J", "O", "U"), (1, 2, 3, 4), 36),
    (("L", "M", "N", "P", "R", "S", "T", "V", "W", "X", "Y", "PA", "CTS", "SG", "PS", "GA", "OA", "REF", "EF"),
     (1, 2), 36),
    (("L", "M", "N", "P", "R", "S", "T", "V", "W", "X", "Y", "PA", "CTS", "SG", "PS", "GA", "OA", "REF", "EF"),
     (3, 4), 60),
)


def visit_rule_seed() -> list[VisitRule]:
    """The initial commission-visit rows, every one to confirm."""
    return [VisitRule(erp_types=list(types), erp_categories=list(categories), periodicity_months=months,
                      valid_from=date(1980, 6, 25), source=_GE4, sourced=False)
            for types, categories, months in _VISIT_RULES]


def rows_of(table: ReferenceTable) -> list:
    """A table's rows, by key then date."""
    return sorted(db.session.scalars(select(table.model)), key=lambda row: (str(table.key(row)), row.valid_from))


def form_values(table: ReferenceTable, row) -> dict:
    """A stored row as the edit form shows it."""
    values = {rule.name: getattr(row, rule.name, None) for rule in table.all_rules}
    values.update(table.to_form(row))
    return {name: ("" if value is None else value if isinstance(value, bool)
                   else ", ".join(map(str, value)) if isinstance(value, list) else str(value))
            for name, value in values.items()}


def clean_row(table: ReferenceTable, raw: dict) -> dict:
    """Typed values of a row, in the model's shape, or ValidationError."""
    values = clean(table.all_rules, raw)
    if values.get("valid_to") is not None and values["valid_to"] < values["valid_from"]:
        raise ValidationError({"valid_to": _("The last day in force cannot be before the first")})
    if table.name == "erp_scales" and not (values["category_3_above"] < values["category_2_above"]
                                           < values["category_1_above"]):
        raise ValidationError({"category_2_above": _("The bounds must grow from category 3 to category 1")})
    return table.to_model(values)


def _overlaps(a_from: date, a_to: date | None, b_from: date, b_to: date | None) -> bool:
    return a_from <= (b_to or date.max) and b_from <= (a_to or date.max)


def save_row(table: ReferenceTable, values: dict, row=None):
    """Add a row (or change `row`); refused when another row of the same key is in force on a same day."""
    candidate = row or table.model()
    for name, value in values.items():
        setattr(candidate, name, value)
    for other in db.session.scalars(select(table.model)):
        if other is candidate or table.key(other) != table.key(candidate):
            continue
        if _overlaps(candidate.valid_from, candidate.valid_to, other.valid_from, other.valid_to):
            raise ValidationError({"valid_from": _(
                "Another row of the same key is in force from %(start)s to %(end)s: close it first",
                start=other.valid_from.isoformat(), end=other.valid_to.isoformat() if other.valid_to else "…")})
    if row is None:
        db.session.add(candidate)
    db.session.flush()
    return candidate


def ensure_seeded() -> int:
    """Fill each empty reference table of the area with its seed rows; idempotent. The number of rows inserted."""
    inserted = erp.ensure_seeded()
    for model, seed in ((CheckRule, check_rule_seed), (VisitRule, visit_rule_seed)):
        if db.session.scalar(select(model.id).limit(1)) is None:
            rows = seed()
            db.session.add_all(rows)
            db.session.flush()
            inserted += len(rows)
    return inserted
