"""The budget annex "état des AP/CP" of a year: programme by programme, operation by operation, with hand-computed
figures; the page, and its PDF and XLSX (reports area)."""

import io
from datetime import date

import pytest

from facilities.works import rules, services, views
from tests.conftest import page_text

K = 100_000  # 1 000 € in cents


@pytest.fixture
def annex_case(db, envelope):
    """AP 1 000 000 € voted for 2030 (CP 500 000 + 500 000), revised to 1 200 000 € in 2031 (CP 2031 700 000), with
    300 000 € paid in 2030 and the 200 000 € unpaid carried over."""
    op = services.create_operation(rules.clean_operation({
        "label": "Annex case", "envelope_id": envelope.id, "nature": "renovation", "ap_eur": "1000000",
        "start": "2030-01-01", "duration_months": 48, "ap_voted_on": "2029-12-10", "ap_reason": "BP 2030",
        "cp": {"2030": "500000", "2031": "500000"}, "status": "voted", "draft": True}))
    services.set_actual(op, {"year": 2030, "committed_cents": 600 * K, "paid_cents": 300 * K})
    services.carry_over(op, 2030, "next", on=date(2031, 1, 5))
    services.add_ap_revision(op, {"amount_cents": 1_200 * K, "voted_on": date(2031, 6, 20), "reason": "DM1 2031",
                                  "cp": {2030: 300 * K, 2031: 700 * K, 2032: 150 * K, 2033: 50 * K}})
    db.session.commit()
    return op


def test_annex_figures(db, annex_case):
    annex = views.budget_annex(2031)
    programme = next(p for p in annex.programmes if p.envelope.id == annex_case.envelope_id)
    line = next(line for line in programme.lines if line.operation.id == annex_case.id)
    assert (line.voted_cents, line.revision_cents, line.ap_cents) == (1_000 * K, 200 * K, 1_200 * K)
    assert (line.paid_before_cents, line.to_respread_cents) == (300 * K, 0)
    assert line.cp_years == [700 * K, 150 * K, 50 * K] and line.later_cents == 0
    assert line.paid_before_cents + line.to_respread_cents + sum(line.cp_years) + line.later_cents == line.ap_cents
    # the envelope's other operation (600 000 € in 2030, nothing paid) shows its CP to re-spread
    assert programme.total.to_respread_cents == 600 * K and annex.total.ap_cents == 1_800 * K
    assert annex.cp_year_numbers == [2031, 2032, 2033]


def test_annex_page_pdf_and_xlsx(db, client_as, annex_case):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    client = client_as("director")
    page = page_text(client.get("/works/annex?year=2031"))
    assert "Annex case" in page and "1\u202f200\u202f000\u00a0€" in page and 'id="annex-pdf"' in page
    assert client.get("/works/annex?year=9999").status_code == 404
    response = client.get("/works/annex/2031.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "Annex case" in text and "2031" in text
    response = client.get("/works/annex/2031.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    line = next(r for r in rows if r[1] == "Annex case")
    assert line[2:5] == [1_000_000, 200_000, 1_200_000] and line[5] == 300_000 and line[7:10] == [700_000, 150_000, 50_000]
    assert rows[-1][4] == 1_800_000  # the total's AP in force
