"""Locale-aware display of money, areas, numbers and dates (pure: the locale is a parameter)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date as babel_format_date
from babel.numbers import format_currency, format_decimal, get_decimal_symbol

from facilities.money import cents_to_euros

LANGUAGES = ("fr", "en")  # the languages the interface speaks and formats in; French first, the default


def format_money(cents: int | None, locale: str = "fr") -> str:
    """The one display of money: integer cents as 12 500 000 € in French, €12,500,000 in English.

    CLDR / Babel: French groups thousands with a NARROW NO-BREAK SPACE (U+202F) and puts a NO-BREAK SPACE
    (U+00A0) before "€"; cents are shown only when there are some (12 500 000,50 €, €12,500,000.50);
    negative amounts use a hyphen-minus (-1 200 € / -€1,200). Floats are refused (TypeError).
    """
    if cents is None:
        return "—"
    amount = cents_to_euros(cents)
    lang = locale.replace("-", "_").split("_")[0].lower()
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported locale {locale!r} (use 'fr' or 'en')")
    whole = cents % 100 == 0
    pattern = None
    if whole:
        pattern = "#,##0\u00a0¤" if lang == "fr" else "¤#,##0"
    return format_currency(amount, "EUR", format=pattern, locale=lang, currency_digits=not whole)


def format_area(area_m2: Decimal | float | int | None, locale: str = "fr") -> str:
    """248 m² (decimals only when the area has some)."""
    if area_m2 is None:
        return "—"
    value = Decimal(str(area_m2))
    pattern = "#,##0" if value == value.to_integral() else "#,##0.##"
    return f"{format_decimal(value, format=pattern, locale=locale)}\u00a0m²"


def format_number(value: Decimal | float | int | None, locale: str = "fr", places: int | None = None) -> str:
    """A number with the locale's separators, optionally with a fixed number of decimals."""
    if value is None:
        return "—"
    pattern = "#,##0" if places == 0 else ("#,##0." + "0" * places if places else "#,##0.##")
    return format_decimal(Decimal(str(value)), format=pattern, locale=locale)


def decimal_mark(locale: str = "fr") -> str:
    """The decimal mark of a language, for figures drawn outside Jinja (maps, charts): "," in French."""
    return get_decimal_symbol(locale)


def format_day(day: date | None, locale: str = "fr") -> str:
    """16 mai 2023 / 16 May 2023."""
    if day is None:
        return "—"
    return babel_format_date(day, format="long", locale=locale)


# ---------------------------------------------------------------- cells of exported spreadsheets

# A cell starting with one of these is a formula to spreadsheet programs (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_like(text: str) -> bool:
    """Starts like a formula, possibly behind quotes that neutralised it already ("'=1", "''=1")."""
    return text.lstrip("'").startswith(FORMULA_STARTS)


def spreadsheet_text(value) -> str:
    """A value for a CSV cell that no spreadsheet program runs as a formula: text that starts like a formula,
    even behind quotes, gets one more leading `'`, which `spreadsheet_text_from_csv` removes on import."""
    text = "" if value is None else str(value)
    return "'" + text if text and formula_like(text) else text


def spreadsheet_row(values) -> list:
    """A row for csv.writer: text through `spreadsheet_text`, numbers and empty cells as they are."""
    return [spreadsheet_text(value) if isinstance(value, str) else value for value in values]


def spreadsheet_text_from_csv(text: str) -> str:
    """The text that `spreadsheet_text` neutralised, as it was: `'=1` → `=1`, `''=1` → `'=1`; else unchanged."""
    return text[1:] if text.startswith("'") and formula_like(text) else text


def xlsx_bytes(sheets) -> bytes:
    """A workbook of (sheet name, headers, rows) sheets, in memory (see write_xlsx)."""
    import io

    out = io.BytesIO()
    write_xlsx(sheets, out)
    return out.getvalue()


def write_xlsx(sheets, target) -> None:
    """Write a workbook of (sheet name, headers, rows) sheets to a path or binary file; the rows may be iterators
    (openpyxl's write-only workbook keeps each sheet in a temporary file, not in memory). Text stays text,
    exactly: a string cell, never a formula, marked "quote prefix" when it starts like one, so that editing it
    keeps it text; booleans are yes/no."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    for name, headers, rows in sheets:
        sheet = workbook.create_sheet(name)
        sheet.append(list(headers))
        for row in rows:
            cells = []
            for value in row:
                if isinstance(value, bool):
                    value = "yes" if value else "no"
                if isinstance(value, str):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.data_type = "s"
                    if formula_like(value):
                        cell.quotePrefix = True
                    cells.append(cell)
                else:
                    cells.append(value)
            sheet.append(cells)
    workbook.save(target)
