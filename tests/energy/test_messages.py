"""The energy import messages: one catalogue message per code, English as the command line prints it, French."""

from flask_babel import force_locale

from facilities.energy.input_messages import ENGLISH, Code, message
from facilities.energy.messages import MESSAGES, translate
from tests.conftest import french


def test_every_code_has_a_catalogue_message_worded_as_the_english_text(app):
    assert set(MESSAGES) == set(ENGLISH) == set(Code)
    with app.test_request_context(), force_locale("en"):
        for code in Code:
            assert str(MESSAGES[code]) == ENGLISH[code], code


def test_translate_follows_the_language_and_its_numbers(app):
    header = message(Code.BAD_HEADER, problems=(message(Code.MISSING_COLUMNS, columns="kwh"),
                                                message(Code.UNKNOWN_COLUMNS, columns="'price'")),
                     columns="building_code, year, carrier, kwh", optional="area_m2, source")
    many = message(Code.TOO_MANY_LINES, maximum=100_000)
    with app.test_request_context():
        with force_locale("en"):
            english = [translate(header), translate(many)]
        french_texts = [translate(header), translate(many)]
    # English on the page is the command line's text, numbers grouped the English way.
    assert english == [str(header), str(many)]
    assert english[0].startswith("line 1: missing column(s): kwh; unknown column(s): 'price'. Expected")
    assert english[1] == "more than 100,000 lines; split the file"
    file_start = french("line 1: %(problems)s. Expected columns: %(columns)s and optionally %(optional)s",
                        problems="\0", columns="", optional="").split("\0")[0]
    assert french_texts[0].startswith(file_start + french("missing column(s): %(columns)s", columns="kwh"))
    assert french_texts[1] == french("more than %(maximum)s lines; split the file", maximum="100\u202f000")


def test_a_rule_message_is_shown_as_it_is(app):
    with app.test_request_context():
        assert translate("Year must be at least 2000") == "Year must be at least 2000"
