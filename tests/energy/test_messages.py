"""The energy input messages: one catalogue message per code, English as the command line prints it, French."""

from datetime import date

from flask_babel import force_locale

from facilities.energy.input_messages import ENGLISH, Code, message
from facilities.energy.input_validation import validate_consumption_row
from facilities.energy.messages import MESSAGES, translate
from tests.conftest import french


def test_every_code_has_a_catalogue_message_worded_as_the_english_text(app):
    assert set(MESSAGES) == set(ENGLISH) == set(Code)
    with app.test_request_context(), force_locale("en"):
        for code in Code:
            assert str(MESSAGES[code]) == ENGLISH[code], code


def test_translate_follows_the_language_and_its_numbers(app):
    _values, errors = validate_consumption_row(
        {"building_code": "B1", "year": "2024", "carrier": "coal", "kwh": "2000000000000"}, today=date(2025, 1, 1))
    header = message(Code.BAD_HEADER, problems=(message(Code.MISSING_COLUMNS, columns="kwh"),
                                                message(Code.UNKNOWN_COLUMNS, columns="'price'")),
                     columns="building_code, year, carrier, kwh", optional="area_m2, source")
    with app.test_request_context():
        with force_locale("en"):
            english = {name: translate(m) for name, m in errors.items()} | {"file": translate(header)}
        french_texts = {name: translate(m) for name, m in errors.items()} | {"file": translate(header)}
    # English on the page is the command line's text, numbers grouped the English way.
    assert english == {name: str(m) for name, m in errors.items()} | {"file": str(header)}
    assert english["kwh"] == "kwh must be at most 1,000,000,000,000 (got 2000000000000)"
    assert english["file"].startswith("line 1: missing column(s): kwh; unknown column(s): 'price'. Expected")
    assert french_texts["kwh"] == french("%(field)s must be at most %(maximum)s (got %(value)s)", field="kwh",
                                         maximum="1\u202f000\u202f000\u202f000\u202f000", value="2000000000000")
    assert french_texts["carrier"].startswith(french("%(field)s %(value)s is unknown; expected one of: %(choices)s",
                                                     field="carrier", value="'coal'", choices=""))
    file_start = french("line 1: %(problems)s. Expected columns: %(columns)s and optionally %(optional)s",
                        problems="\0", columns="", optional="").split("\0")[0]
    assert french_texts["file"].startswith(file_start + french("missing column(s): %(columns)s", columns="kwh"))
    assert not any("must" in text or "unknown" in text for text in french_texts.values())
