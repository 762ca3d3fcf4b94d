"""Safety forms: fields only; the rules of the area (and of the inventory) judge the values."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField

from facilities.forms import RuleForm, choice_field, form_from_rules
from facilities.inventory.catalogue import ERP_TYPE_LABELS
from facilities.safety.catalogue import (
    ACCESSIBILITY_STATUS_LABELS,
    CHECK_RESULT_LABELS,
    CHECK_TYPE_LABELS,
    CONDITION_LABELS,
    CRITICALITY_LABELS,
    EQUIPMENT_CATEGORY_LABELS,
    FINDING_SEVERITY_LABELS,
    OPINION_LABELS,
    PERFORMER_LABELS,
)
from facilities.safety.reference import ACCOMMODATION_LABELS, ReferenceTable

# The labels of the reference tables' choice fields, by rule name.
_CHOICE_LABELS = {"erp_type": ERP_TYPE_LABELS, "accommodation": ACCOMMODATION_LABELS,
                  "check_type": CHECK_TYPE_LABELS, "equipment_category": EQUIPMENT_CATEGORY_LABELS,
                  "performer": PERFORMER_LABELS}


def reference_form(table: ReferenceTable) -> type[RuleForm]:
    """A form class for a row of a safety reference table, one field per rule."""
    return form_from_rules(f"Safety{table.name.title().replace('_', '')}Form", table.all_rules, _CHOICE_LABELS)


class EquipmentForm(RuleForm):
    category = choice_field(_l("Category"), EQUIPMENT_CATEGORY_LABELS)
    name = StringField(_l("Name"), description=_l("e.g. Main switchboard, SSI central unit, Lift A"))
    floor_id = SelectField(_l("Floor"), validate_choice=False)
    space_id = SelectField(_l("Space"), validate_choice=False)
    make = StringField(_l("Make"))
    model = StringField(_l("Model"))
    serial_number = StringField(_l("Serial number"))
    installed_on = StringField(_l("Installed on"), render_kw={"type": "date"})
    expected_life_years = StringField(_l("Expected life (years)"), render_kw={"inputmode": "numeric"})
    replacement_cost_eur = StringField(_l("Replacement cost (€)"), render_kw={"inputmode": "decimal"})
    condition = choice_field(_l("Condition"), CONDITION_LABELS, blank=True)
    condition_on = StringField(_l("Condition assessed on"), description=_l("Empty: today"), render_kw={"type": "date"})
    criticality = choice_field(_l("Criticality"), CRITICALITY_LABELS, blank=True)
    notes = TextAreaField(_l("Notes"), render_kw={"rows": 2})

    def place_choices(self, floors, spaces) -> None:
        """The floors and spaces of the item's building."""
        self.floor_id.choices = [("", "—")] + [(str(floor.id), f"{floor.level} · {floor.name}") for floor in floors]
        self.space_id.choices = [("", "—")] + [(str(space.id), f"{floor.name} · {space.code} {space.name}")
                                              for space, floor in spaces]

    def raw_values(self):
        values = super().raw_values()
        values.pop("floor_id", None), values.pop("space_id", None)  # the place is read by services.locate
        return values


class DeleteForm(FlaskForm):
    """A confirmation page's form: its CSRF token only."""


class EquipmentImportForm(RuleForm):
    file = FileField(_l("Equipment file (.csv or .xlsx)"), validators=[FileRequired(_l("Choose a file to import."))],
                     render_kw={"accept": ".csv,.xlsx"})


class ApplyImportForm(FlaskForm):
    upload = HiddenField()


class CheckEditForm(RuleForm):
    """A check recorded, corrected: its fields and, optionally, a report that replaces the one kept."""

    check_type = SelectField(_l("Check"), validate_choice=False)
    done_on = StringField(_l("Done on"), render_kw={"type": "date"})
    body = StringField(_l("Done by (body or technician)"))
    result = choice_field(_l("Result"), CHECK_RESULT_LABELS)
    notes = TextAreaField(_l("Notes"), render_kw={"rows": 2})
    report = FileField(_l("New report (PDF), replacing the one kept"), render_kw={"accept": ".pdf,application/pdf"})

    def raw_values(self):
        values = super().raw_values()
        for name in ("report", "finding_description", "finding_severity"):  # read by the route, not the rules
            values.pop(name, None)
        return values


class CheckForm(CheckEditForm):
    """A check to record, with an observation to follow up."""

    report = FileField(_l("Report (PDF)"), render_kw={"accept": ".pdf,application/pdf"})
    finding_description = TextAreaField(_l("Observation to follow up (optional)"), render_kw={"rows": 2})
    finding_severity = choice_field(_l("Its severity"), FINDING_SEVERITY_LABELS, blank=True)


class FindingForm(RuleForm):
    description = TextAreaField(_l("Observation"), render_kw={"rows": 2})
    severity = choice_field(_l("Severity"), FINDING_SEVERITY_LABELS)
    raised_on = StringField(_l("Raised on"), render_kw={"type": "date"})


class LiftForm(RuleForm):
    lifted_on = StringField(_l("Lifted on"), render_kw={"type": "date"})
    lifted_evidence = TextAreaField(_l("Evidence (invoice, report, photo reference)"), render_kw={"rows": 2})


class CalendarForm(FlaskForm):
    create = SubmitField(_l("Make a new secret address"))
    revoke = SubmitField(_l("Revoke my address"))


class VisitEditForm(RuleForm):
    """A visit recorded, corrected (its prescriptions are findings, each edited on its own)."""

    visited_on = StringField(_l("Visited on"), render_kw={"type": "date"})
    commission = StringField(_l("Commission"), description=_l("e.g. Sous-commission départementale, commission "
                                                              "communale de sécurité"))
    opinion = choice_field(_l("Opinion"), OPINION_LABELS)
    notes = TextAreaField(_l("Notes"), render_kw={"rows": 2})


class VisitForm(VisitEditForm):
    prescriptions = TextAreaField(_l("Prescriptions (one a line)"), render_kw={"rows": 3},
                                  description=_l("Each is followed as a finding until it is lifted."))

    def raw_values(self):
        values = super().raw_values()
        values.pop("prescriptions", None)
        return values


class AccessibilityForm(RuleForm):
    public_name = StringField(_l("Name shown to the public"))
    services = TextAreaField(_l("Services offered"), render_kw={"rows": 3})
    status = choice_field(_l("Accessibility"), ACCESSIBILITY_STATUS_LABELS)
    status_reference = TextAreaField(_l("Certificate or Ad'AP schedule (reference, dates)"), render_kw={"rows": 2})
    derogations = TextAreaField(_l("Derogations granted"), render_kw={"rows": 2})
    staff_training = TextAreaField(_l("Staff training to welcome disabled people"), render_kw={"rows": 2})
    equipment_upkeep = TextAreaField(_l("Upkeep of the accessibility equipment (lifts, ramps…)"),
                                     render_kw={"rows": 2})
    updated_on = StringField(_l("Up to date on"), render_kw={"type": "date"})
