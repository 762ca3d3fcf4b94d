"""Grids for money and time: caps and CP typed per year, phases as rows with months; the same rules judge them."""

from __future__ import annotations

import re

import pytest
from werkzeug.datastructures import MultiDict

from facilities.grids import PhaseGrid, YearAmountGrid
from facilities.works.models import Envelope
from tests.conftest import page_text


def _demo_envelope(db):
    return db.session.query(Envelope).filter_by(label="Bâtiments médico-sociaux 2023").one()


def _bound(field_class, formdata, **kwargs):
    field = field_class(**kwargs).bind(form=None, name="grid", _meta=type("M", (), {
        "bind_field": staticmethod(lambda form, unbound, options: unbound.bind(form=form, **options))})())
    field.process(formdata)
    return field


def test_rows_become_the_lines_the_rules_read(app):
    with app.test_request_context():
        grid = _bound(YearAmountGrid, MultiDict([("grid-year", "2023"), ("grid-amount", "12 500 000"),
                                                 ("grid-year", ""), ("grid-amount", ""),
                                                 ("grid-year", "2024"), ("grid-amount", "3000000,50")]))
        assert grid.data == "2023 12 500 000\n2024 3000000,50"
        assert grid.rows()[:2] == [["2023", "12 500 000"], ["2024", "3000000,50"]]
        phases = _bound(PhaseGrid, MultiDict([("grid-code", "APS"), ("grid-start", "2023-01"),
                                              ("grid-end", "2023-06"), ("grid-share", "20 %")]))
        assert phases.data == "APS 2023-01-01 2023-06-30 20"  # months become the first and the last day
        assert phases.rows()[0] == ["APS", "2023-01", "2023-06", "20"]
        text = _bound(YearAmountGrid, MultiDict([("grid", "2023 100")]))  # a script posting the text still works
        assert text.data == "2023 100"


def test_caps_typed_in_the_grid_are_saved_and_a_bad_row_is_named_once_on_its_row(db, demo, client_as):
    client = client_as("facilities_manager")
    env = _demo_envelope(db)
    rows = [(str(year), f"{cents // 100}") for year, cents in sorted(env.caps_by_year.items())]
    data = MultiDict([("label", env.label), ("category", env.category or "")])
    for year, amount in rows + [("2031", "1 000 000")]:
        data.add("caps-year", year)
        data.add("caps-amount", amount)
    assert client.post(f"/envelopes/{env.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert _demo_envelope(db).caps_by_year[2031] == 100_000_000
    data.setlist("caps-amount", [amount for _y, amount in rows] + ["abc"])
    response = client.post(f"/envelopes/{env.id}/edit", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    row = re.search(r'<tr class="grid-row table-danger">.*?</tr>', page, re.S).group(0)
    assert 'value="abc"' in row
    messages = re.findall(r'<span class="text-danger d-block">([^<]+)</span>', row)
    assert len(messages) == 1 and page_text(response).count(messages[0]) == 1  # said once, on its row
    db.session.expire_all()
    assert _demo_envelope(db).caps_by_year[2031] == 100_000_000  # nothing changed


def test_cp_grid_knows_the_ap_and_what_each_years_cap_leaves(db, demo, client_as):
    import html
    import json

    env = _demo_envelope(db)
    op = env.operations[-1]
    op.status = "proposed"  # before the vote, the échéancier is typed directly
    db.session.commit()
    response = client_as("facilities_manager").get(f"/operations/{op.id}/cp")
    assert response.status_code == 200, response.headers.get("Location")
    page = response.get_data(as_text=True)
    context = json.loads(html.unescape(re.search(r"data-context='([^']*)'", page).group(1)))
    assert context["ap_cents"] == op.current_ap_cents
    year = min(env.caps_by_year)
    others = sum(other.cp_by_year.get(year, 0) for other in env.operations if other.id != op.id)
    assert context["years"][str(year)] == {"cap_cents": env.caps_by_year[year], "others_cents": others}
    assert 'name="cp-year"' in page and 'src="/static/js/grids.js"' in page


@pytest.mark.parametrize("share", ["20", "abc"])
def test_phases_typed_with_months(db, demo, client_as, share):
    client = client_as("facilities_manager")
    env = _demo_envelope(db)
    op = next(op for op in env.operations if op.phases)
    data = MultiDict()
    phases = list(op.phases)
    for i, phase in enumerate(phases):
        data.add("phases-code", phase.code)
        data.add("phases-start", phase.start.strftime("%Y-%m"))
        data.add("phases-end", phase.end.strftime("%Y-%m"))
        data.add("phases-share", share if i == 0 else f"{phase.share_bp / 100:g}")
    response = client.post(f"/operations/{op.id}/phases", data=data)
    if share == "abc":
        assert response.status_code == 422
        assert 'class="grid-row table-danger"' in response.get_data(as_text=True)
    else:
        assert response.status_code in (302, 422)  # the rules judge the shares, as for the API
