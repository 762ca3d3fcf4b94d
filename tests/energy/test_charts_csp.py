"""Charts carry no CSS: the pages' Content-Security-Policy (style-src 'self') refuses style attributes and
<style> elements, and the browser then paints every shape black."""

from facilities.energy import charts


def test_no_chart_carries_css():
    svgs = [
        charts.dpe_distribution_svg({"A": 1, "C": 3}),
        charts.trajectory_svg({2020: 200.0, 2021: 190.0}, {}, {2030: 120.0}, reference=(2020, 200.0)),
        charts.yearly_totals_svg([2020, 2021], [10.0, 12.0], [1.0, None]),
    ]
    for svg in svgs:
        assert "style=" not in svg and "<style" not in svg
        assert 'fill="#' in svg and 'stroke-linejoin="round"' in svg  # the same properties, as attributes
