"""The energy input messages in the user's language: the one mapping of codes to catalogue messages.

The pure validators and the importer say what is wrong as :class:`InputMessage` (a code and parameters, see
:mod:`facilities.energy.input_messages`); the consumption form, the API and the import page show them through
:func:`translate`. The msgids are the English wording of ``input_messages.ENGLISH`` (a test checks it).
"""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from facilities.energy.input_messages import Code, InputMessage
from facilities.formatting import format_number

MESSAGES = {
    Code.UNKNOWN_BUILDING: _l("unknown building code %(value)s"),
    Code.FIELD_COUNT: _l("expected %(expected)s fields (%(columns)s), got %(count)s"),
    Code.AREA_DIFFERS: _l("%(field)s %(value)s differs from %(earlier)s given for the same building and year on "
                          "line %(line)s"),
    Code.DUPLICATE_LINE: _l("same building, year and carrier as line %(line)s"),
    Code.NOT_UTF8: _l("line %(line)s: the file is not valid UTF-8 text (byte %(byte)s); save it as CSV UTF-8"),
    Code.TOO_MANY_LINES: _l("more than %(maximum)s lines; split the file"),
    Code.MALFORMED_CSV: _l("line %(line)s: malformed CSV (%(detail)s)"),
    Code.EMPTY_FILE: _l("the file is empty: the first line must name the columns %(columns)s"),
    Code.NO_DATA: _l("the file has a header but no data line"),
    Code.BAD_HEADER: _l("line 1: %(problems)s. Expected columns: %(columns)s and optionally %(optional)s"),
    Code.MISSING_COLUMNS: _l("missing column(s): %(columns)s"),
    Code.UNKNOWN_COLUMNS: _l("unknown column(s): %(columns)s"),
    Code.DUPLICATE_COLUMNS: _l("column(s) given twice: %(columns)s"),
}
assert set(MESSAGES) == set(Code)


def translate(message: InputMessage | str) -> str:
    """The message in the request's language (numbers grouped its way); a rule's message is already."""
    if isinstance(message, str):
        return message
    locale = str(get_locale() or "fr")
    return message.render(lambda code: str(MESSAGES[code]), lambda value: format_number(value, locale))
