"""Works demo (sources' figures, idempotent) and the pure Gantt SVG."""

from datetime import date

from facilities.works import views
from facilities.works.gantt import gantt_svg, gantt_table
from facilities.works.models import Envelope, Operation


def test_demo_programme_fits_the_2023_cap(db, demo):
    env = db.session.query(Envelope).filter_by(label="Bâtiments médico-sociaux 2023").one()
    assert env.caps_by_year[2023] == 1_250_000_000
    figures = views.envelope_figures([env])[0]
    cp_2023 = next(y.allocated_cents for y in figures.years if y.year == 2023)
    assert 0 < cp_2023 <= 1_250_000_000 and not figures.overflow_by_year and not figures.unbalanced
    sites = {op.site.code for op in figures.operations}
    assert sites == {"IME-VLG", "MDA-NAN", "FOY-RUE", "PS-ISS", "PS-ANT", "PS-CLI", "PS-BAG"}
    assert all(op.illustrative and "illustratifs" in op.note for op in figures.operations)


def test_demo_received_hubs_and_idempotence(db, demo):
    from facilities.demo.loader import load_demo

    earlier = db.session.query(Envelope).filter_by(label="Pôles sociaux (programmes antérieurs)").one()
    aps = {op.site.code: (op.current_ap_cents, op.status) for op in earlier.operations}
    assert aps == {"PS-ASN": (1_132_000_000, "received"), "PS-CLI": (1_760_000_000, "received")}
    count = db.session.query(Operation).count()
    load_demo(with_users=False)
    db.session.commit()
    assert db.session.query(Operation).count() == count


def test_gantt_svg_is_pure_accessible_and_escaped():
    rows = [{"label": "IME <Villeneuve>", "start": date(2023, 1, 1), "end": date(2024, 6, 30), "fixed": True,
             "phases": [{"code": "DET", "start": date(2023, 3, 1), "end": date(2024, 5, 31)}]},
            {"label": "Études", "start": date(2023, 3, 1), "end": date(2025, 2, 28), "phases": []}]
    svg = gantt_svg(rows, title="Programme")
    assert svg.startswith("<svg") and svg.endswith("</svg>") and 'role="img"' in svg
    assert "<title" in svg and "<desc" in svg and "IME &lt;Villeneuve&gt;" in svg
    assert ">2023<" in svg and ">2025<" in svg and 'data-code="DET"' in svg
    assert gantt_svg(rows, title="Programme") == svg  # deterministic
    moved = [{**rows[0], "start": date(2023, 7, 1)}, rows[1]]
    assert gantt_svg(moved, title="Programme") != svg
    assert gantt_table(rows)[0]["phases"] == [("DET", date(2023, 3, 1), date(2024, 5, 31))]
    assert "No operation" in gantt_svg([], title="Empty")


def test_a_long_label_is_shortened_but_never_its_flags():
    import re

    long_label = "Réhabilitation énergétique et mise en accessibilité du pôle social de Villeneuve-la-Garenne"
    rows = [{"label": long_label, "start": date(2023, 1, 1), "end": date(2024, 6, 30), "draft": True, "fixed": True},
            {"label": "Short", "start": date(2023, 1, 1), "end": date(2023, 6, 30), "draft": True}]
    svg = gantt_svg(rows, title="Programme", labels={"draft": "brouillon", "fixed": "fixe"})
    shown = re.findall(r'<text x="4" [^>]*>([^<]*)</text>', svg)
    assert shown[0].endswith("… (fixe, brouillon)") and shown[0].startswith("Réhabilitation énerg")
    assert shown[1] == "Short (brouillon)"
    assert f"<title>{long_label} (fixe, brouillon): 2023-01-01" in svg  # the full label stays in the tooltip
