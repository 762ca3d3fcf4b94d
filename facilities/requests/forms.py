"""Work request forms: fields only; the area's rules judge the values."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget

from facilities.forms import RuleForm, choice_field
from facilities.requests.catalogue import ASSIGNEE_KIND_LABELS, PRIORITY_LABELS, URGENCY_LABELS


class RequestForm(RuleForm):
    title = StringField(_l("Title"), description=_l("e.g. Leaking tap in the ground-floor toilets"))
    location = SelectField(_l("Where"), validate_choice=False)
    description = TextAreaField(_l("Description"), render_kw={"rows": 4})
    urgency = choice_field(_l("Urgency"), URGENCY_LABELS, default="normal")
    photo = FileField(_l("Photo (optional)"), description=_l("PNG, JPEG or WebP image"),
                      render_kw={"accept": "image/png,image/jpeg,image/webp"})

    def raw_values(self):
        values = super().raw_values()
        values.pop("photo", None)
        location = values.pop("location", None) or ""
        field, _sep, entity_id = location.partition(":")
        if field and entity_id:
            values[field] = entity_id
        return values


class TriageForm(RuleForm):
    priority = choice_field(_l("Priority"), PRIORITY_LABELS, blank=True)
    due_on = StringField(_l("Due on"), description=_l("Empty: from the priority's response time"),
                         render_kw={"type": "date"})
    assignee_id = SelectField(_l("Assigned to"), validate_choice=False)
    comment = TextAreaField(_l("Comment"), render_kw={"rows": 2}, id="triage-comment")  # beside the comment form
    comment_for_requester = BooleanField(_l("Shown to the requester"), default=True)

    def raw_values(self):
        values = super().raw_values()
        return {name: value for name, value in values.items() if name != "due_on" or value} | (
            {} if values.get("due_on") else {"due_on": None})


class CommentForm(RuleForm):
    comment = TextAreaField(_l("Comment"), render_kw={"rows": 2})


class TransitionForm(RuleForm):
    to = StringField()
    reason = TextAreaField(_l("Reason (required to refuse)"), render_kw={"rows": 2})


class AssigneeForm(RuleForm):
    kind = choice_field(_l("Kind"), ASSIGNEE_KIND_LABELS)
    name = StringField(_l("Name"))
    email = StringField(_l("Email"), description=_l("Receives the requests assigned to it"))


class UserSitesForm(FlaskForm):
    site_ids = choice_field(_l("Sites"), {}, multiple=True, widget=ListWidget(prefix_label=False),
                            option_widget=CheckboxInput())


class ConfirmForm(FlaskForm):
    """An empty form: only its CSRF token matters."""
