"""Plan forms: a room's or a floor's outline typed as coordinates, and the import of an IFC or DXF file."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, StringField, TextAreaField

from facilities.forms import RuleForm, choice_field
from facilities.inventory.catalogue import SPACE_TYPE_LABELS

DXF_UNIT_LABELS = {"m": _l("metres"), "cm": _l("centimetres"), "mm": _l("millimetres")}


class OutlineForm(RuleForm):
    outline = TextAreaField(_l("Outline (one point per line: x y, in metres)"),
                            description=_l("Corners in order, in the building's local metres (x east, y north); "
                                           "the last point joins the first. Leave empty to remove the outline."),
                            render_kw={"rows": 10, "spellcheck": "false", "autocomplete": "off"})
    move_x = StringField(_l("Move east by (m)"), description=_l("Optional: moves the whole outline (negative: west)"),
                         render_kw={"inputmode": "decimal", "autocomplete": "off"})
    move_y = StringField(_l("Move north by (m)"), description=_l("Optional: negative moves it south"),
                         render_kw={"inputmode": "decimal", "autocomplete": "off"})


class ImportForm(FlaskForm):
    file = FileField(_l("IFC or DXF file"), validators=[FileRequired(_l("Choose a file to import."))],
                     render_kw={"accept": ".ifc,.dxf"})
    layer = StringField(_l("DXF: layer of the rooms"), description=_l("Closed polylines on this layer become rooms; "
                                                                      "the text inside each gives its code."))
    unit = choice_field(_l("DXF: drawing unit"), DXF_UNIT_LABELS)
    level = StringField(_l("DXF: level of the floor drawn"), default="0", render_kw={"inputmode": "numeric"})


class ApplyImportForm(FlaskForm):
    upload = HiddenField()
    layer = HiddenField()
    unit = HiddenField()
    level = HiddenField()


class TypeMappingForm(FlaskForm):
    pattern = StringField(_l("Text in the room's name or classification"),
                          description=_l("e.g. Bureau d'entretien; compared without case or accents"))
    space_type = choice_field(_l("Type"), SPACE_TYPE_LABELS)


class DeleteMappingForm(FlaskForm):
    mapping_id = HiddenField()


class MoveForm(FlaskForm):
    """A room dragged on the plan: how far, in metres (filled by static/js/floorplan.js)."""

    move_x = HiddenField()
    move_y = HiddenField()
