"""Forms of the energy area: text inputs, judged by the energy rules (facilities.energy.input_validation / services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.widgets import CheckboxInput, ListWidget

from facilities import carriers
from facilities.energy.reference import ConsumptionSource, ScaleCode, ScaleMetric
from facilities.forms import RuleForm, choice_field, form_from_rules
from facilities.inventory.catalogue import ACTIVITY_CATEGORY_LABELS

CARRIER_LABELS = carriers.labels()
SOURCE_LABELS = {
    ConsumptionSource.INVOICE: _l("Invoice"),
    ConsumptionSource.METER: _l("Meter reading"),
    ConsumptionSource.ESTIMATE: _l("Estimate"),
}
SCALE_LABELS = {
    ScaleCode.TERTIARY_OFFICE: _l("Tertiary: offices, administration, teaching"),
    ScaleCode.TERTIARY_CONTINUOUS: _l("Tertiary: continuous occupation"),
    ScaleCode.TERTIARY_OTHER: _l("Tertiary: other buildings"),
    ScaleCode.RESIDENTIAL: _l("Residential (energy and GHG double threshold)"),
}
METRIC_LABELS = {ScaleMetric.PRIMARY_ENERGY: _l("Primary energy"), ScaleMetric.GHG: _l("Greenhouse gas emissions")}


def _number(label, description=None):
    return StringField(label, description=description, render_kw={"inputmode": "decimal", "autocomplete": "off"})


class ConsumptionForm(RuleForm):
    year = StringField(_l("Year"), render_kw={"inputmode": "numeric", "autocomplete": "off"})
    carrier = choice_field(_l("Energy"), CARRIER_LABELS)
    kwh = _number(_l("Consumption (kWh final)"), _l("Replaces the figure already entered for this year and energy."))
    source = choice_field(_l("Source"), SOURCE_LABELS, blank=True)
    area_m2 = _number(_l("Energy reference area that year (m²)"), _l("Empty: the building's gross floor area."))
    dju = _number(_l("Heating degree-days (DJU) of the year"))
    dju_mean = _number(_l("Long-term mean DJU"))


class SettingsForm(RuleForm):
    scale_code = choice_field(_l("DPE scale"), SCALE_LABELS)
    reference_year = StringField(_l("Décret tertiaire reference year"),
                                 description=_l("Empty: the year of highest consumption per m² in the window."),
                                 render_kw={"inputmode": "numeric", "autocomplete": "off"})
    cabs_kwh_m2 = _number(_l("Absolute target Cabs (kWh/m²/yr)"), _l("Optional."))
    network = StringField(_l("Heating or cooling network"),
                          description=_l("As named in the emission factors table; empty: the generic value."),
                          render_kw={"autocomplete": "off"})


class ImportForm(RuleForm):
    file = FileField(_l("CSV file (UTF-8)"),
                     description=_l("The columns listed above, named on the first line."))


class CloseRowForm(RuleForm):
    valid_to = StringField(_l("Valid to (inclusive)"), render_kw={"type": "date"})


def reference_row_form(table):
    """A form class for a new row of a reference table, one text/select/checkbox field per rule."""
    return form_from_rules(f"{table.name.title().replace('_', '')}Form", table.all_rules,
                           {"carrier": CARRIER_LABELS, "code": SCALE_LABELS, "metric": METRIC_LABELS})



class EfaForm(RuleForm):
    """An EFA's label, activity category and reference year; its parts are one row per building of the site
    in the page (part_<id> ticked, area_<id> the part's tertiary area), read by `efa_parts_from`."""

    label = StringField(_l("Label"), render_kw={"autocomplete": "off"})
    activity_category = choice_field(_l("Activity category"), ACTIVITY_CATEGORY_LABELS)
    reference_year = StringField(_l("Décret tertiaire reference year"),
                                 description=_l("Empty: the year of highest consumption per m² in the window."),
                                 render_kw={"inputmode": "numeric", "autocomplete": "off"})


def efa_parts_from(formdata, building_ids) -> list[dict]:
    """The parts ticked on the EFA form: [{building_id, tertiary_area_m2 (text, empty: whole)}]."""
    return [{"building_id": bid, "tertiary_area_m2": formdata.get(f"area_{bid}", "")}
            for bid in building_ids if formdata.get(f"part_{bid}")]


class EfaMergeForm(FlaskForm):
    target = SelectField(_l("Keep"), validate_choice=False)
    others = SelectMultipleField(_l("Merge into it"), validate_choice=False, widget=ListWidget(prefix_label=False),
                                 option_widget=CheckboxInput())


class EfaProposeForm(FlaskForm):
    """Propose one EFA per building that belongs to none (a button)."""
