"""Forms of the works area. Amounts, years and phases are typed as text: the works rules parse and judge them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField

from facilities import carriers
from facilities.forms import RuleForm, choice_field
from facilities.grids import PhaseGrid, YearAmountGrid
from facilities.works.catalogue import CARRY_OVER_MODE_LABELS, NATURE_LABELS, STATUS_LABELS, VOTE_KIND_LABELS
from facilities.works.scheduling.plans import PhaseCode


def _amount(label, description=None):
    return StringField(label, description=description, render_kw={"inputmode": "decimal", "autocomplete": "off"})


def _integer(label, description=None):
    return StringField(label, description=description, render_kw={"inputmode": "numeric", "autocomplete": "off"})


DRAFT_LABEL = _l("Save as a draft even though a year's cap is exceeded (I confirm)")
CAPS_HELP = _l("One row per year, amounts in euros; beside each year, what the CP already allocated leave free")
PHASES_HELP = _l("One row per phase (loi MOP), from its first to its last month; the shares add up to 100 %")
CP_HELP = _l("One row per year, amounts in euros; the total must equal the AP, and each year's cap shows what "
             "is still free")
PHASE_CODES = {str(code): str(code) for code in PhaseCode}


def _vote_field(label):
    """A select of the recorded budget votes (filled by the view); the rules check the id."""
    return SelectField(label, choices=[], validate_choice=False)


class EnvelopeForm(RuleForm):
    label = StringField(_l("Label"))
    category = StringField(_l("Category"), description=_l("e.g. Medico-social buildings"))
    caps = YearAmountGrid(_l("CP caps per year"), description=CAPS_HELP)
    draft = BooleanField(DRAFT_LABEL)


class OperationForm(RuleForm):
    label = StringField(_l("Label"))
    nature = choice_field(_l("Nature"), NATURE_LABELS)
    ap_eur = _amount(_l("AP (total voted amount, €)"))
    ap_vote_id = _vote_field(_l("AP approved by the budget vote"))
    start = StringField(_l("Start (first day of a month)"), render_kw={"type": "date"})
    duration_months = _integer(_l("Duration (months)"))
    priority = _integer(_l("Priority"), description=_l("1 = highest: keeps the earliest start when caps are short"))
    fixed = BooleanField(_l("Fixed dates (committed: the scheduler never moves it)"))
    site_id = SelectField(_l("Site (a planned site is a site with status planned)"), choices=[], validate_choice=False)
    building_id = SelectField(_l("Building"), choices=[], validate_choice=False)  # the rules check both ids
    phases = PhaseGrid(_l("Phases"), description=PHASES_HELP, codes=PHASE_CODES)
    note = TextAreaField(_l("Note"), render_kw={"rows": 2})
    draft = BooleanField(DRAFT_LABEL)


class OperationEditForm(RuleForm):
    label = StringField(_l("Label"))
    nature = choice_field(_l("Nature"), NATURE_LABELS)
    status = choice_field(_l("Status"), STATUS_LABELS)
    start = StringField(_l("Start (first day of a month)"), render_kw={"type": "date"},
                        description=_l("Moving the start moves the phases and the échéancier with it"))
    duration_months = _integer(_l("Duration (months)"))
    priority = _integer(_l("Priority"), description=_l("1 = highest"))
    fixed = BooleanField(_l("Fixed dates (committed: the scheduler never moves it)"))
    site_id = SelectField(_l("Site"), choices=[], validate_choice=False)
    building_id = SelectField(_l("Building"), choices=[], validate_choice=False)  # the rules check both ids
    note = TextAreaField(_l("Note"), render_kw={"rows": 2})
    draft = BooleanField(DRAFT_LABEL)


class PhasesForm(RuleForm):
    phases = PhaseGrid(_l("Phases"), description=PHASES_HELP, codes=PHASE_CODES)
    draft = BooleanField(DRAFT_LABEL)


class CpForm(RuleForm):
    cp = YearAmountGrid(_l("CP échéancier"), description=CP_HELP)
    draft = BooleanField(DRAFT_LABEL)


REVISION_CP_HELP = _l("One row per year, amounts in euros, adding up to the new AP. Left empty on a voted "
                      "operation, the new AP is spread over the phases.")


class ApRevisionForm(RuleForm):
    amount_eur = _amount(_l("New AP amount (€)"))
    vote_id = _vote_field(_l("Approved by the budget vote"))
    voted_on = StringField(_l("Vote date"), render_kw={"type": "date"},
                           description=_l("Left empty when a budget vote is chosen: its date"))
    reason = StringField(_l("Reason"))
    cp = YearAmountGrid(_l("New CP échéancier"), description=REVISION_CP_HELP)


class ActualForm(RuleForm):
    year = _integer(_l("Year"))
    committed_eur = _amount(_l("Committed (€)"))
    paid_eur = _amount(_l("Paid (€)"))


class SavingForm(RuleForm):
    carrier = choice_field(_l("Energy carrier"), carriers.labels())
    kwh_per_year = _integer(_l("Expected savings (kWh/year)"), description=_l("0 removes the carrier"))


class ScenarioForm(RuleForm):
    scenario_label = StringField(_l("Scenario name"))


class ConfirmForm(FlaskForm):
    """A button that posts (CSRF-protected)."""

    confirm = HiddenField(default="1")


class LedgerImportForm(FlaskForm):
    file = FileField(_l("File of actuals and revisions (.csv or .xlsx)"),
                     validators=[FileRequired(_l("Choose a file to import."))], render_kw={"accept": ".csv,.xlsx"})


class CarryOverForm(RuleForm):
    year = _integer(_l("Year whose unpaid CP are carried over"))
    mode = choice_field(_l("Re-spread"), CARRY_OVER_MODE_LABELS)
    vote_id = _vote_field(_l("Approved by the budget vote"))


class VoteForm(RuleForm):
    kind = choice_field(_l("Kind of vote"), VOTE_KIND_LABELS)
    number = _integer(_l("Number (DM1, DM2…)"), description=_l("Décisions modificatives only: 1 for DM1"))
    year = _integer(_l("Budget year"))
    voted_on = StringField(_l("Vote date"), render_kw={"type": "date"})
    deliberation_ref = StringField(_l("Deliberation reference"), description=_l("e.g. CD 2031-12-15 n° 31.045"))
    note = TextAreaField(_l("Note"), render_kw={"rows": 2})


class RenewForm(RuleForm):
    vote_id = _vote_field(_l("Renewed by the budget vote"))
    voted_on = StringField(_l("Vote date"), render_kw={"type": "date"},
                           description=_l("Left empty when a budget vote is chosen: its date"))


class LapseRuleForm(RuleForm):
    valid_from = StringField(_l("In force from"), render_kw={"type": "date"})
    lapse_years = _integer(_l("Years without commitment before an AP lapses"), description=_l("At least 1"))
    source = StringField(_l("Source (règlement budgétaire et financier)"))


class ProgrammeApForm(RuleForm):
    label = StringField(_l("Label"), description=_l("e.g. AP « Bâtiments médico-sociaux 2024–2028 »"))
    amount_eur = _amount(_l("AP voted for the programme (€)"))
    vote_id = _vote_field(_l("Approved by the budget vote"))
    voted_on = StringField(_l("Vote date"), render_kw={"type": "date"},
                           description=_l("Left empty when a budget vote is chosen: its date"))


class AssignmentForm(RuleForm):
    programme_ap_id = SelectField(_l("Programme AP"), choices=[], validate_choice=False)
    operation_id = SelectField(_l("Operation"), choices=[], validate_choice=False)
    amount_eur = _amount(_l("Amount assigned (€)"), description=_l("0 removes the assignment"))
    vote_id = _vote_field(_l("Approved by the budget vote"))
    voted_on = StringField(_l("Vote date"), render_kw={"type": "date"},
                           description=_l("Left empty when a budget vote is chosen: its date"))
