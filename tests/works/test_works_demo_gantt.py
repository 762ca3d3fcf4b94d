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


def test_a_long_label_wraps_and_keeps_its_end_and_its_flags():
    import re

    long_label = "Réhabilitation énergétique et mise en accessibilité du pôle social de Villeneuve-la-Garenne"
    rows = [{"label": long_label, "start": date(2023, 1, 1), "end": date(2024, 6, 30), "draft": True, "fixed": True},
            {"label": "Short", "start": date(2023, 1, 1), "end": date(2023, 6, 30), "draft": True}]
    svg = gantt_svg(rows, title="Programme", labels={"draft": "brouillon", "fixed": "fixe"})
    first, second = re.findall(r'<text x="4" [^>]*>([^<]*)<tspan[^>]*>([^<]*)</tspan></text>', svg)[0]
    assert first.startswith("Réhabilitation énergétique")
    assert second.startswith("…") and second.endswith("Villeneuve-la-Garenne (fixe, brouillon)")
    assert re.findall(r'<text x="4" [^>]*>([^<]*)</text>', svg)[0] == "Short (brouillon)"
    assert f"<title>{long_label} (fixe, brouillon): 2023-01-01" in svg  # the full label stays in the tooltip


def test_rows_that_share_their_first_words_stay_distinct():
    """The demo's four 'Poursuite des travaux du pôle social …' rows once all read 'Poursuite des travaux du pôle
    so…'; each now shows the commune that tells them apart."""
    from facilities.works.gantt import LABEL_WIDTH, label_lines

    communes = ("d'Asnières-sur-Seine / Gennevilliers", "de Clichy-la-Garenne", "de Nanterre", "de Rueil-Malmaison")
    shown = [" ".join(label_lines(f"Poursuite des travaux du pôle social {c}", LABEL_WIDTH - 8)) for c in communes]
    assert len(set(shown)) == 4
    for commune, text in zip(communes, shown, strict=True):
        assert text.endswith(commune.split()[-1])


def test_rows_link_to_their_operations_on_the_web_only():
    rows = [{"label": "Op <1>", "start": date(2023, 1, 1), "end": date(2023, 12, 31), "url": "/operations/7?a=1&b=2"}]
    assert '<a class="gantt-link" href="/operations/7?a=1&amp;b=2">' in gantt_svg(rows, link_rows=True)
    assert "<a " not in gantt_svg(rows)  # PDFs: no link
