"""Grids for money and time in forms: amounts by year, and phases as rows with month pickers.

A grid is typed row by row (one input per cell, rows added by a static script) but reaches the rules as the same
text they read from the API's text form and the importers ("YEAR AMOUNT" lines; "CODE START END SHARE" lines):
one parser, one set of messages. A script posting the text field itself (its name alone) still works.
The rules' messages about one row ("caps line 2", "cp.2024", "phases[1].start") are shown on that row.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from itertools import zip_longest
from typing import Any

from wtforms import Field
from wtforms.utils import unset_value

_LINE_KEY = re.compile(r"\D*(\d+)")


class GridField(Field):
    """Rows of cells posted as `<name>-<column>` lists, joined into the text lines the rules parse."""

    columns: tuple[str, ...] = ()
    blank_rows = 2  # empty rows offered after the filled ones

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.row_errors: dict[int, list[str]] = {}  # row index (0-based) → messages
        self.context: dict[str, Any] = {}  # what the page knows around the grid (AP, caps…), for live totals

    def process(self, formdata, data=unset_value, extra_filters=None):
        super().process(formdata, data, extra_filters)
        if formdata is not None and f"{self.name}-{self.columns[0]}" in formdata:
            cells = [formdata.getlist(f"{self.name}-{column}") for column in self.columns]
            lines = [self.line([(cell or "").strip() for cell in row])
                     for row in zip_longest(*cells, fillvalue="")]
            self.data = "\n".join(line for line in lines if line.strip())

    def process_formdata(self, valuelist):
        self.data = valuelist[0] if valuelist else ""

    def _value(self) -> str:
        return self.data or ""

    def line(self, cells: list[str]) -> str:
        """One text line from one row's cells."""
        return " ".join(cells) if any(cells) else ""

    def rows(self) -> list[list[str]]:
        """The rows to show: the data's lines as cells, then blank rows."""
        filled = [self.cells(line) for line in (self.data or "").splitlines() if line.strip()]
        return filled + [[""] * len(self.columns) for _ in range(self.blank_rows)]

    def cells(self, line: str) -> list[str]:
        raise NotImplementedError

    def claim_error(self, key: str, message: str) -> bool:
        """Keep a rules message about one of this grid's rows (by line number or year); True when it is ours."""
        if not key.startswith(self.name) or key == self.name:
            return False
        match = _LINE_KEY.match(key[len(self.name):])
        if not match:
            return False
        index = self._row_of(match.group(1), key)
        self.row_errors.setdefault(index, []).append(message)
        self.errors = [*self.errors, message] if isinstance(self.errors, list) else [message]
        return True

    @property
    def field_errors(self) -> list[str]:
        """The messages about the whole grid (each row's own are shown on its row, once)."""
        on_rows = {message for messages in self.row_errors.values() for message in messages}
        return [message for message in self.errors or [] if message not in on_rows]

    def _row_of(self, number: str, key: str) -> int:
        if "[" in key[len(self.name):len(self.name) + 1]:  # phases[1]: an index
            return int(number)
        lines = [line for line in (self.data or "").splitlines() if line.strip()]
        if "." in key[len(self.name):len(self.name) + 1]:  # cp.2024: a year
            for i, line in enumerate(lines):
                if line.split()[:1] == [number]:
                    return i
            return -1
        # "caps line 2": a line number (1-based, counting blank lines too, as the rules do)
        text_lines = (self.data or "").splitlines()
        filled_before = sum(1 for line in text_lines[:int(number) - 1] if line.strip())
        return filled_before


class YearAmountGrid(GridField):
    """Amounts in euros by year: columns year and amount; the page shows the total (and what is left of the AP,
    and what each year's cap leaves free, when the view gives them in `context`)."""

    columns = ("year", "amount")
    blank_rows = 3

    def cells(self, line: str) -> list[str]:
        year, _space, amount = line.strip().partition(" ")
        return [year, amount.strip()]


class PhaseGrid(GridField):
    """Phases: code, first month, last month, share in %; posted months become the first and last days."""

    columns = ("code", "start", "end", "share")

    def __init__(self, label=None, validators=None, codes=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.codes = codes or {}  # code → label, for the code select of each row

    def line(self, cells: list[str]) -> str:
        if not any(cells):
            return ""
        code, start, end, share = cells
        return " ".join(part or "?" for part in (code, _month_start(start), _month_end(end), share.rstrip("%").strip()))

    def cells(self, line: str) -> list[str]:
        parts = line.replace("%", " ").split()
        parts += [""] * (4 - len(parts))
        code, start, end, share = parts[:4]
        return [code, start[:7], end[:7], share]


def _month_start(value: str) -> str:
    """'2023-01' → '2023-01-01'; anything else is left for the rules to judge."""
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return f"{value}-01"
    return value


def _month_end(value: str) -> str:
    """'2023-06' → '2023-06-30' (the last day of that month)."""
    if re.fullmatch(r"\d{4}-\d{2}", value):
        year, month = int(value[:4]), int(value[5:])
        if 1 <= month <= 12:
            return date(year, month, calendar.monthrange(year, month)[1]).isoformat()
    return value
