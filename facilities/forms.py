"""Form base: WTForms renders the fields, the domain rules (facilities.validation) judge the values.

Edit forms also guard against lost updates: they carry the version of the record they were filled from and the
values they showed; a save based on a version someone else has replaced is refused (nothing changes), showing
the other person's changes beside the user's entries, which stay in the form.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import request
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy.orm.exc import StaleDataError
from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, StringField

from facilities.extensions import db
from facilities.validation import ValidationError, judged

NON_DATA_FIELDS = {"csrf_token", "submit", "version", "original"}

# Who saved a record last and when, for the conflict message: (record) → (name, time) or None. Filled at start-up
# by the area that knows (the audit trail), so that the forms depend on no area.
LAST_CHANGE_SOURCES: list[Callable[[Any], tuple[str, datetime] | None]] = []


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


def form_from_rules(name: str, rules, choice_labels: Mapping[str, Mapping] | None = None) -> type[RuleForm]:
    """A form class with one text, select, date or checkbox field per rule (a reference table's row); the selects
    show `choice_labels[rule name]` when given, the codes otherwise."""
    fields: dict[str, Any] = {}
    for rule in rules:
        if rule.kind == "choice":
            labels = (choice_labels or {}).get(rule.name) or {code: code for code in rule.choices()}
            fields[rule.name] = choice_field(rule.label, labels)
        elif rule.kind == "bool":
            fields[rule.name] = BooleanField(rule.label)
        elif rule.kind == "date":
            fields[rule.name] = StringField(rule.label, render_kw={"type": "date"})
        else:
            fields[rule.name] = StringField(rule.label, render_kw={"autocomplete": "off"})
    return type(name, (RuleForm,), fields)


@dataclass
class ConflictRow:
    label: str
    theirs: str  # the value saved now, by the other person
    yours: str  # the user's entry, kept in the form


@dataclass
class Conflict:
    """Someone else saved the record after this form was filled: what they changed, by whom and when."""

    rows: list[ConflictRow] = field(default_factory=list)
    by: str | None = None
    at: datetime | None = None


def _number(text: str) -> Decimal | None:
    cleaned = "".join(text.split()).replace("\u202f", "").replace("\xa0", "").replace(",", ".")
    try:
        return Decimal(cleaned) if cleaned else None
    except InvalidOperation:
        return None


def _text(value: Any) -> str:
    return "" if value is None else "\n".join(line.rstrip() for line in str(value).strip().splitlines())


def same_value(a: Any, b: Any) -> bool:
    """Whether two entries of a field mean the same ("12,5" and "12.50", "a\r\nb" and "a\nb")."""
    if isinstance(a, bool) or isinstance(b, bool):
        return bool(a) == bool(b)
    if isinstance(a, list | tuple) or isinstance(b, list | tuple):
        return sorted(map(str, a or [])) == sorted(map(str, b or []))
    a, b = _text(a), _text(b)
    if a == b:
        return True
    number_a, number_b = _number(a), _number(b)
    return number_a is not None and number_a == number_b


class RuleForm(FlaskForm):
    """A form whose values are checked by the same rules as the API and the importers."""

    # The version of the record the form was filled from, and the values it showed then (edit forms only).
    # No id: a page may hold several forms (the energy page has two).
    version = HiddenField(render_kw={"id": False})
    original = HiddenField(render_kw={"id": False})
    conflict: Conflict | None = None

    @classmethod
    def editing(cls, record, shown: Callable[[], dict[str, Any]], **kwargs: Any) -> RuleForm:
        """The edit form of a versioned `record`; `shown()` gives the form's values for the record as saved now.
        On GET it is filled from them; a later save based on another version is checked by `submit_with`."""
        filling = request.method == "GET"
        form = cls(data=shown() if filling else None, **kwargs)
        form._record, form._shown = record, shown
        if filling:
            form.remember(record, form._shown_now())
        return form

    def _shown_now(self) -> dict[str, Any]:
        return {name: value for name, value in self._shown().items() if name in self._fields}

    def remember(self, record, shown: dict[str, Any]) -> None:
        """Carry the record's version and the values shown, to check the save against them; version 0 when the
        record does not exist yet (settings shown with their defaults), so that a record saved meanwhile by
        someone else is not overwritten either."""
        self.version.data = str(record.version) if record is not None else "0"
        self.original.data = json.dumps(shown, default=str, ensure_ascii=False)

    @property
    def status_code(self) -> int:
        """200 for a form shown, 409 for a save refused because someone else saved first, 422 for bad input."""
        if request.method == "GET":
            return 200
        return 409 if self.conflict is not None else 422

    def raw_values(self) -> dict[str, Any]:
        return {name: field.data for name, field in self._fields.items() if name not in NON_DATA_FIELDS}

    def attach_errors(self, errors: dict[str, str]) -> None:
        for name, message in errors.items():
            field = self._fields.get(name)
            if field is None:
                # A message about one row of a grid (facilities/grids.py) is shown on that row.
                if any(getattr(grid, "claim_error", None) and grid.claim_error(name, message)
                       for grid in self._fields.values()):
                    continue
                self.form_errors.append(message)
            else:
                field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]

    def submit_with(self, clean: Callable[[dict], dict], action: Callable[[dict], Any],
                    conflicts: Callable[[dict], Mapping[str, str]] | None = None) -> Any | None:
        """Validate with `clean`, then run `action(values)`; on bad input attach messages, roll back, return None.

        Every message comes at once: when `clean` refuses some fields, `conflicts` (what the action would check
        against saved records, such as a code already used) still judges the fields it read.

        An edit form (`editing`) is also refused, changing nothing, when someone else saved the record since the
        form was filled and changed a field of this form: `self.conflict` then lists their changes, and the form
        now carries the current version, so that saving again deliberately replaces their values."""
        if not self.validate_on_submit():
            return None
        record = getattr(self, "_record", None)
        if record is not None and self._stale(record):
            return None
        try:
            values = judged(clean, self.raw_values(), conflicts)
            return action(values)
        except ValidationError as error:
            db.session.rollback()
            self.attach_errors(error.errors)
            return None
        except StaleDataError:  # saved by someone else between this request's read and its write
            db.session.rollback()
            if record is None or not self._stale(record, always=True):
                raise
            return None

    def _stale(self, record, always: bool = False) -> bool:
        """Whether the save must be refused because the record changed since the form was filled; if so, set
        `self.conflict`. A form without a version (a script posting the fields) is not checked."""
        base = (self.version.data or "").strip()
        if not always and (not base.isdigit() or int(base) == record.version):
            return False
        try:
            original = json.loads(self.original.data or "")
        except ValueError:
            original = None
        current = self._shown_now()
        yours = self.raw_values()
        names = [name for name in self._fields if name in current and name in yours]
        if isinstance(original, dict):
            changed = [name for name in names if not same_value(original.get(name), current[name])]
            if not changed and not always:
                return False  # their change touches none of this form's fields: nothing of theirs is undone
        else:
            changed = [name for name in names if not same_value(current[name], yours[name])]
        self.conflict = Conflict(rows=[ConflictRow(str(self._fields[name].label.text),
                                                   self._display(name, current[name]),
                                                   self._display(name, yours[name])) for name in changed])
        for source in LAST_CHANGE_SOURCES:
            found = source(record)
            if found:
                self.conflict.by, self.conflict.at = found
                break
        self.remember(record, current)
        return True

    def _display(self, name: str, value: Any) -> str:
        """A value as the user reads it: the label of a choice, Yes/No, a dash for nothing."""
        field_ = self._fields[name]
        labels = {str(code): str(label) for code, label, *_rest in (getattr(field_, "choices", None) or [])}
        if isinstance(value, bool) or field_.type == "BooleanField":
            return _("Yes") if value else _("No")
        if isinstance(value, list | tuple):
            return ", ".join(labels.get(str(item), str(item)) for item in value) or "—"
        text = _text(value)
        return labels.get(text, text) if text else "—"
