"""Plan forms: a room's or a floor's outline typed as coordinates, and the import of an IFC or DXF file."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField

from facilities.forms import RuleForm


class OutlineForm(RuleForm):
    outline = TextAreaField(_l("Outline (one point per line: x y, in metres)"),
                            description=_l("Corners in order, in the building's local metres (x east, y north); "
                                           "the last point joins the first. Leave empty to remove the outline."),
                            render_kw={"rows": 10, "spellcheck": "false", "autocomplete": "off"})
    move_x = StringField(_l("Move east by (m)"), description=_l("Optional: moves the whole outline (negative: west)"),
                         render_kw={"inputmode": "decimal", "autocomplete": "off"})
    move_y = StringField(_l("Move north by (m)"), description=_l("Optional: negative moves it south"),
                         render_kw={"inputmode": "decimal", "autocomplete": "off"})
