"""What is wrong with an energy import beyond one field's value (a line against the database and the other
lines, or the whole file): a code and its parameters. A field's value is read by the shared rule engine
(:mod:`facilities.energy.input_validation`), with its messages.

Pure Python: an :class:`InputMessage` says what is wrong without choosing a language. ``str(message)`` is the English text
(the command line, logs); the app shows it in the user's language through the one mapping of codes to
catalogue messages, :data:`facilities.energy.messages.MESSAGES`, whose English wording is the same.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any


class Code(StrEnum):
    # (a field's value is read by the shared rule engine: facilities.energy.input_validation)
    # one line of an imported file, against the database and the other lines
    UNKNOWN_BUILDING = "unknown_building"
    FIELD_COUNT = "field_count"
    AREA_DIFFERS = "area_differs"
    DUPLICATE_LINE = "duplicate_line"
    # the whole file
    NOT_UTF8 = "not_utf8"
    TOO_MANY_LINES = "too_many_lines"
    MALFORMED_CSV = "malformed_csv"
    EMPTY_FILE = "empty_file"
    NO_DATA = "no_data"
    BAD_HEADER = "bad_header"
    MISSING_COLUMNS = "missing_columns"
    UNKNOWN_COLUMNS = "unknown_columns"
    DUPLICATE_COLUMNS = "duplicate_columns"


# The English wording of each code: the msgids of facilities.energy.messages.MESSAGES (a test checks they agree).
# Parameters: field (a column name), value (what was given, as typed), maximum (a number), first and last
# (years), choices and columns (lists as text), line, count, expected, earlier, byte, detail (csv's own
# words); problems (BAD_HEADER) is a sequence of InputMessage joined by "; ".
ENGLISH: dict[Code, str] = {
    Code.UNKNOWN_BUILDING: "unknown building code %(value)s",
    Code.FIELD_COUNT: "expected %(expected)s fields (%(columns)s), got %(count)s",
    Code.AREA_DIFFERS: "%(field)s %(value)s differs from %(earlier)s given for the same building and year on "
                       "line %(line)s",
    Code.DUPLICATE_LINE: "same building, year and carrier as line %(line)s",
    Code.NOT_UTF8: "line %(line)s: the file is not valid UTF-8 text (byte %(byte)s); save it as CSV UTF-8",
    Code.TOO_MANY_LINES: "more than %(maximum)s lines; split the file",
    Code.MALFORMED_CSV: "line %(line)s: malformed CSV (%(detail)s)",
    Code.EMPTY_FILE: "the file is empty: the first line must name the columns %(columns)s",
    Code.NO_DATA: "the file has a header but no data line",
    Code.BAD_HEADER: "line 1: %(problems)s. Expected columns: %(columns)s and optionally %(optional)s",
    Code.MISSING_COLUMNS: "missing column(s): %(columns)s",
    Code.UNKNOWN_COLUMNS: "unknown column(s): %(columns)s",
    Code.DUPLICATE_COLUMNS: "column(s) given twice: %(columns)s",
}
assert set(ENGLISH) == set(Code)

NUMBER_PARAMS = frozenset({"maximum"})  # shown with the language's digit grouping; other numbers as they are


@dataclass(frozen=True)
class InputMessage:
    """One thing wrong with an input: ``code`` and the ``params`` its text needs."""

    code: Code
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, template: Callable[[Code], str], number: Callable[[Any], str]) -> str:
        """The text from ``template(code)`` (a %-format) with ``number`` formatting NUMBER_PARAMS; nested
        messages (``problems``) are rendered the same way."""
        values = {}
        for key, value in self.params.items():
            if isinstance(value, InputMessage):
                value = value.render(template, number)
            elif isinstance(value, Sequence) and not isinstance(value, str):
                value = "; ".join(v.render(template, number) if isinstance(v, InputMessage) else str(v)
                                  for v in value)
            elif key in NUMBER_PARAMS:
                value = number(value)
            values[key] = value
        return str(template(self.code)) % values

    def __str__(self) -> str:
        return self.render(ENGLISH.__getitem__, _english_number)


def _english_number(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int | Decimal) else str(value)


def message(code: Code, **params: Any) -> InputMessage:
    """``message(Code.REQUIRED, field="year")``."""
    return InputMessage(code, params)
