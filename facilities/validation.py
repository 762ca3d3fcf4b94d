"""One validation engine for forms, the API, the command line and file imports.

Each entity declares its fields once (type, bounds, choices); `clean` turns raw input — strings from a
form or a CSV file, JSON values from the API — into typed values, or raises ValidationError with one
readable message per field at fault.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from facilities import money
from facilities.years import Years

MAX_ID = 2**31 - 1  # the largest id an INTEGER primary key holds on PostgreSQL: a larger one finds nothing


class WholeMessage(ValueError):
    """A rule's message that names the field itself ("Postcode must be 5 digits"): shown as it is."""


class ValidationError(Exception):
    """Bad input: maps each field at fault to a message. Nothing has been written.

    `values` holds the fields that were read correctly, so that the checks that come after the rules (a code
    already used, a rule tying fields) still judge them and every error of a submission is reported at once.
    """

    def __init__(self, errors: Mapping[str, str], values: Mapping[str, Any] | None = None):
        self.errors = {key: str(message) for key, message in errors.items()}
        self.values = dict(values or {})
        super().__init__("; ".join(f"{key}: {message}" for key, message in self.errors.items()))


@dataclass(frozen=True)
class Rule:
    """How one field is read and checked."""

    name: str
    kind: str = "text"  # text, int, decimal, float, money, bool, date, choice, list
    label: Any = None
    required: bool = False
    # dates: earliest and latest day accepted; a callable bound is read when a value is checked (next year)
    minimum: Decimal | int | float | date | Callable[[], Any] | None = None
    maximum: Decimal | int | float | date | Callable[[], Any] | None = None
    exclusive_minimum: bool = False
    min_length: int | None = None
    max_length: int | None = None
    choices: Callable[[], Iterable[str]] | None = None
    default: Any = None
    unit: str = ""
    places: int | None = None  # decimal places kept for decimals
    # text: a regular expression the text (without its surrounding spaces) must match whole, written with ASCII
    # classes only so that it reads the same in Python and in the OpenAPI description (ECMA-262); the message
    # says what is expected, whole (a string, or a function of the text typed)
    pattern: str | None = None
    pattern_message: Any = None
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.kind == "money":  # euros: never negative, never above the one maximum, cents at most
            object.__setattr__(self, "unit", self.unit or "€")
            object.__setattr__(self, "places", 2)
            if self.minimum is None:
                object.__setattr__(self, "minimum", Decimal(0))
            if self.maximum is None:
                object.__setattr__(self, "maximum", money.MAX_EUROS)

    def display_name(self) -> str:
        return str(self.label) if self.label is not None else self.name

    def bounds(self) -> tuple[Any, Any]:
        """The minimum and maximum in force now."""
        return tuple(bound() if callable(bound) else bound for bound in (self.minimum, self.maximum))


def year_rule(name: str, label: Any, years: Years, **options: Any) -> Rule:
    """A year within one of the ranges of facilities.years (the one place each range is defined)."""
    return Rule(name, "int", label, minimum=years.first,
                maximum=years.last if years.last is not None else years.last_year, extra={"year": True}, **options)


class JsonNumber(Decimal):
    """A JSON number with a fraction or an exponent, read exactly (`json.loads(parse_float=JsonNumber)`).

    Numbers behave as Decimals everywhere, except for money, which refuses them: a JSON number is a binary
    float to most clients, so amounts travel as decimal strings ("1234.50").
    """


_TRUE = {"1", "true", "yes", "on", "oui", "y", "o", "x"}
_FALSE = {"0", "false", "no", "off", "non", "n", ""}
MAX_NUMBER_LENGTH = 40  # longer digit strings are not plausible figures


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _fmt_number(value) -> str:
    if isinstance(value, Decimal) and value == value.to_integral():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u202f")
    return str(value)


def format_area(value: Decimal | None) -> str:
    """An area in a message: 1 400 or 900.5 (no padding zeros), 0 when not given."""
    if value is None:
        return "0"
    value = Decimal(value)
    return _fmt_number(value if value == value.to_integral() else value.normalize())


# What JSON values a rule takes (numbers may also come as decimal strings, as amounts of money do).
_JSON_TYPES = {"text": (str, lambda: _("must be text")), "bool": (bool, lambda: _("must be yes or no"))}


def _coerce(rule: Rule, value: Any, typed: bool = False) -> Any:
    """Convert one raw value; raise ValueError with a user-facing message. `typed`: the value comes from JSON,
    whose types are as the description states them: a number is not text, nor "yes" a boolean (a spreadsheet's
    numeric cell in a text column, or a form's "yes", are)."""
    kind = rule.kind
    if typed and value is not None and kind in _JSON_TYPES:
        types, message = _JSON_TYPES[kind]
        if not isinstance(value, types):
            raise ValueError(message())
    if kind == "text":
        if not isinstance(value, str):
            if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) and not typed:
                value = str(value)
            else:
                raise ValueError(_("must be text"))
        _check_length(rule, value)
        if not rule.extra.get("keep_spaces"):  # a password keeps its spaces
            value = value.strip()
        if "\x00" in value:  # PostgreSQL cannot store it; no one types it
            raise ValueError(_("must not contain NUL characters"))
        if rule.min_length is not None and len(value) < rule.min_length:
            raise ValueError(_("must be at least %(n)s characters long", n=rule.min_length))
        if rule.pattern is not None and value and re.fullmatch(rule.pattern, value) is None:
            message = rule.pattern_message(value) if callable(rule.pattern_message) else rule.pattern_message
            raise WholeMessage(str(message or _("is not in the expected format")))
        return value
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise ValueError(_("must be yes or no"))
    if kind == "int":
        if isinstance(value, bool):
            raise ValueError(_("must be a whole number"))
        if isinstance(value, int):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        elif (isinstance(value, Decimal) and value.is_finite() and value.adjusted() < MAX_NUMBER_LENGTH
              and value == value.to_integral_value()):
            number = int(value)  # a JSON 3.0
        elif isinstance(value, (str, Decimal)):
            text = str(value).strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
            if len(text) > MAX_NUMBER_LENGTH or not text.lstrip("+-").isdigit():
                raise ValueError(_("must be a whole number"))
            number = int(text)
        else:
            raise ValueError(_("must be a whole number"))
        _check_bounds(rule, number)
        return number
    if kind in ("decimal", "float"):
        if isinstance(value, bool):
            raise ValueError(_("must be a number"))
        if isinstance(value, (int, Decimal)):
            number = Decimal(value)
        elif isinstance(value, float):
            number = Decimal(repr(value))
        elif isinstance(value, str):
            text = value.strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
            text = text.replace(",", ".")
            if len(text) > MAX_NUMBER_LENGTH:
                raise ValueError(_("must be a number"))
            try:
                number = Decimal(text)
            except InvalidOperation:
                raise ValueError(_("must be a number")) from None
        else:
            raise ValueError(_("must be a number"))
        if not number.is_finite():
            raise ValueError(_("must be a number"))
        _check_bounds(rule, number)
        if rule.places is not None:
            try:
                number = number.quantize(Decimal(1).scaleb(-rule.places), rounding=ROUND_HALF_UP)  # as people round
            except InvalidOperation:  # more digits than a Decimal holds: no plausible figure
                raise ValueError(_("must be a number")) from None
            _check_bounds(rule, number)  # 0.001 m² rounds to 0, which "greater than 0" must refuse
        return float(number) if kind == "float" else number
    if kind == "money":
        return _money_cents(rule, value)
    if kind == "date":
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value.strip()[:10])
            except ValueError:
                raise ValueError(_("must be a date (YYYY-MM-DD)")) from None
        if not isinstance(value, date):
            raise ValueError(_("must be a date (YYYY-MM-DD)"))
        if rule.extra.get("first_of_month") and value.day != 1:
            raise ValueError(_("must be the first day of a month"))
        _check_bounds(rule, value)  # dates far in the past or future break the calendar arithmetic
        return value
    if kind == "choice":
        allowed = list(rule.choices()) if rule.choices else []
        text = value.strip() if isinstance(value, str) else None
        if text not in allowed:  # "Electricity" or "aps" are the codes electricity and APS
            text = {code.casefold(): code for code in allowed}.get(text.casefold()) if text is not None else None
        if text is None:
            raise ValueError(_("must be one of: %(choices)s", choices=", ".join(allowed)))
        return text
    if kind == "list":
        allowed = set(rule.choices()) if rule.choices else None
        if isinstance(value, str):
            items = [item.strip() for item in value.replace(";", ",").split(",") if item.strip()]
        elif isinstance(value, (list, tuple, set)):
            items = [item.strip() if isinstance(item, str) else item for item in value]
        else:
            raise ValueError(_("must be a list"))
        if any(not isinstance(item, str) for item in items):
            raise ValueError(_("must be a list of codes"))
        if allowed is not None:
            unknown = [item for item in items if item not in allowed]
            if unknown:
                raise ValueError(
                    _("unknown value(s): %(values)s; allowed: %(choices)s",
                      values=", ".join(unknown[:5]), choices=", ".join(sorted(allowed)))
                )
        return list(dict.fromkeys(items))
    raise AssertionError(f"unknown rule kind {kind}")


def _money_cents(rule: Rule, value: Any) -> int:
    """Euros typed or sent (decimal string, whole number, Decimal) to integer cents; floats are refused."""
    if isinstance(value, bool):
        raise ValueError(_("must be an amount in euros"))
    if isinstance(value, float | JsonNumber):
        raise ValueError(_("must be an amount in euros written as text, e.g. \"1234.50\" (a JSON number with "
                           "decimals is not exact)"))
    if isinstance(value, int | Decimal):
        amount = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "").removesuffix("€")
        text = text.replace(",", ".")
        try:
            amount = Decimal(text) if len(text) <= MAX_NUMBER_LENGTH else None
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite():
            raise ValueError(_("must be an amount in euros"))
    else:
        raise ValueError(_("must be an amount in euros"))
    if not amount.is_finite():
        raise ValueError(_("must be an amount in euros"))
    _check_bounds(rule, amount)  # before the cents: a huge exponent would not quantize
    if amount != amount.quantize(money.CENT):
        raise ValueError(_("must not have more than two decimals (whole cents)"))
    return money.euros_to_cents(amount)


def _check_length(rule: Rule, text: str) -> None:
    """At most `max_length` characters as sent, spaces included (what the API's description says: maxLength)."""
    if rule.max_length is not None and len(text) > rule.max_length:
        raise ValueError(_("must be at most %(n)s characters long", n=rule.max_length))


def _check_bounds(rule: Rule, number) -> None:
    unit = f" {rule.unit}" if rule.unit else ""
    minimum, maximum = rule.bounds()
    show = str if rule.extra.get("year") else _fmt_number  # 1500, not 1 500
    if minimum is not None:
        if rule.exclusive_minimum and number <= minimum:
            raise ValueError(_("must be greater than %(n)s%(unit)s", n=show(minimum), unit=unit))
        if not rule.exclusive_minimum and number < minimum:
            raise ValueError(_("must be at least %(n)s%(unit)s", n=show(minimum), unit=unit))
    if maximum is not None and number > maximum:
        raise ValueError(_("must be at most %(n)s%(unit)s", n=show(maximum), unit=unit))


@dataclass(frozen=True)
class Check:
    """A rule tying fields together: `judge(values)` gives {field: message}. It runs on every submission whose
    `fields` were all read without error (absent ones included, on a PATCH), so that its message comes with the
    fields' own messages rather than after they are corrected."""

    fields: tuple[str, ...]
    judge: Callable[[dict[str, Any]], Mapping[str, str]]


def merge_errors(errors: dict[str, str], more: Mapping[str, str]) -> dict[str, str]:
    """Add `more` to `errors`, keeping a field's first message (its own reading comes before what ties it)."""
    for name, message in more.items():
        errors.setdefault(name, str(message))
    return errors


def judged(clean_values: Callable[[Any], dict[str, Any]], raw: Any,
           conflicts: Callable[[dict[str, Any]], Mapping[str, str]] | None = None) -> dict[str, Any]:
    """`clean_values(raw)`, and when it fails, `conflicts` (checks against saved records: a code already used) run
    on the fields it could read, so that one ValidationError lists every error of the submission. When the input
    reads correctly the service that writes runs `conflicts` itself."""
    try:
        return clean_values(raw)
    except ValidationError as error:
        if conflicts is not None:
            merge_errors(error.errors, conflicts(error.values))
        raise ValidationError(error.errors, error.values) from None


def clean(rules: Iterable[Rule], raw: Mapping[str, Any], *, partial: bool = False,
          checks: Iterable[Check] = ()) -> dict[str, Any]:
    """Read `raw` against `rules`, then judge `checks`; return typed values or raise ValidationError with every
    message at once (each field's own, and each check's whose fields read correctly).

    With `partial`, only the fields present in `raw` are read (a PATCH); otherwise missing optional
    fields take their default and missing required fields are errors. Unknown keys are ignored here:
    the API refuses them itself so that forms may carry extra buttons.
    """
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for rule in rules:
        if rule.name not in raw:
            if partial:
                continue
            value = None
        else:
            value = raw[rule.name]
        typed = isinstance(raw, JsonObject)
        # In JSON only null is "no value": "" is text, and for any other kind the wrong type.
        empty_text = typed and isinstance(value, str) and rule.kind != "text"
        if _is_blank(value) and not empty_text and not (rule.kind == "bool" and isinstance(value, str)):
            if rule.kind == "text" and isinstance(value, str):
                try:  # even blank, a text longer than its maximum is refused: the description says so
                    _check_length(rule, value)
                except ValueError as error:
                    errors[rule.name] = _("%(field)s %(problem)s", field=rule.display_name(), problem=error)
                    continue
            if rule.required:
                errors[rule.name] = _("%(field)s is required", field=rule.display_name())
            else:
                values[rule.name] = rule.default() if callable(rule.default) else rule.default
            continue
        try:
            values[rule.name] = _coerce(rule, value, typed=typed)
        except WholeMessage as error:
            errors[rule.name] = str(error)
        except ValueError as error:
            # One sentence naming the field by its form label; in French "Surface : la valeur doit être…",
            # whose subject agrees whatever the field's gender.
            errors[rule.name] = _("%(field)s %(problem)s", field=rule.display_name(), problem=error)
    faulty = set(errors)
    for check in checks:
        if not faulty.intersection(check.fields):
            merge_errors(errors, check.judge(values))
    if errors:
        raise ValidationError(errors, {name: value for name, value in values.items() if name not in errors})
    return values


def rule_names(rules: Iterable[Rule]) -> list[str]:
    """The field names of a rule set, in order."""
    return [rule.name for rule in rules]


__all__ = ["Check", "JsonNumber", "Rule", "ValidationError", "clean", "judged", "merge_errors", "rule_names",
           "year_rule", "_l"]


class JsonObject(dict):
    """A JSON object that remembers the keys it was given more than once (json.loads keeps the last)."""

    duplicates: tuple[str, ...] = ()


def json_object_hook(pairs: list[tuple[str, Any]]) -> JsonObject:
    """`object_pairs_hook` for json.loads: keep duplicate keys visible so that the rules can refuse them."""
    obj = JsonObject()
    seen: list[str] = []
    for key, value in pairs:
        if key in obj:
            seen.append(key)
        obj[key] = value
    obj.duplicates = tuple(seen)
    return obj
