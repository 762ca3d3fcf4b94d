"""Form base: WTForms renders the fields, the domain rules (facilities.validation) judge the values."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField

from facilities.extensions import db
from facilities.validation import ValidationError

NON_DATA_FIELDS = {"csrf_token", "submit"}


def choices(labels: Mapping[Any, Any], blank: bool = False) -> list[tuple[str, Any]]:
    """(code, label) pairs of a code list for a select, with an empty first choice when `blank`."""
    items = [(str(code), text) for code, text in labels.items()]
    return [("", "—"), *items] if blank else items


def choice_field(label: Any, labels: Mapping[Any, Any], blank: bool = False, *, multiple: bool = False,
                 **options: Any) -> SelectField:
    """A select of a code list. WTForms does not judge the value: the rules do, with the message the API and
    the importers give for the same value."""
    field = SelectMultipleField if multiple else SelectField
    return field(label, choices=choices(labels, blank), validate_choice=False, **options)


class RuleForm(FlaskForm):
    """A form whose values are checked by the same rules as the API and the importers."""

    def raw_values(self) -> dict[str, Any]:
        return {name: field.data for name, field in self._fields.items() if name not in NON_DATA_FIELDS}

    def attach_errors(self, errors: dict[str, str]) -> None:
        for name, message in errors.items():
            field = self._fields.get(name)
            if field is None:
                self.form_errors.append(message)
            else:
                field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]

    def submit_with(self, clean: Callable[[dict], dict], action: Callable[[dict], Any]) -> Any | None:
        """Validate with `clean`, then run `action(values)`; on bad input attach messages, roll back, return None."""
        if not self.validate_on_submit():
            return None
        try:
            values = clean(self.raw_values())
            return action(values)
        except ValidationError as error:
            db.session.rollback()
            self.attach_errors(error.errors)
            return None
