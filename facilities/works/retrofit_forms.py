"""The candidate retrofit operation form: figures typed as text, judged by the candidate rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField

from facilities import carriers
from facilities.forms import RuleForm
from facilities.works.retrofit import saving_field


def _number(label, description=None, mode="numeric"):
    return StringField(label, description=description, render_kw={"inputmode": mode, "autocomplete": "off"})


class CandidateForm(RuleForm):
    label = StringField(_l("Label"), description=_l("e.g. Roof insulation and heat pump"))
    building_id = SelectField(_l("Building"), choices=[], validate_choice=False)  # the rules check the id
    cost_eur = _number(_l("Cost (€)"), mode="decimal")
    earliest_start_year = _number(_l("Earliest start (year)"))
    duration_years = _number(_l("Duration (years)"), _l("Whole years; the cost is spread evenly over them"))


# One field per carrier, then the flag and the note: fields are shown in the order they are made.
for _code, _label in carriers.labels().items():
    setattr(CandidateForm, saving_field(_code),
            _number(_l("Savings: %(carrier)s (kWh/year)", carrier=_label)))
CandidateForm.illustrative = BooleanField(_l("Illustrative (made-up figures)"))
CandidateForm.note = TextAreaField(_l("Note"), render_kw={"rows": 2})
