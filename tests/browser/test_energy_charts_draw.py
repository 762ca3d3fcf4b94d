"""Energy charts draw under the pages' Content-Security-Policy: checked on the pixels, not the DOM.

matplotlib styles its SVG with CSS that the CSP refuses; the browser then paints every shape black while the
DOM looks perfect. So the test looks at a screenshot of each chart: many colours, no CSP error.
"""

from __future__ import annotations

import io

import pytest

pytestmark = pytest.mark.browser


def chart_colours(page, selector: str) -> tuple[int, float]:
    """How many distinct colours a chart's screenshot has, and the share of its most common colour."""
    from PIL import Image

    image = Image.open(io.BytesIO(page.locator(selector).first.screenshot())).convert("RGB")
    counts = image.getcolors(maxcolors=1 << 20) or []
    total = sum(n for n, _c in counts)
    return len(counts), max(n for n, _c in counts) / total


def test_energy_dashboard_and_building_charts_are_drawn(journey):
    """The dashboard's charts and a building's trajectory chart have real colours, and no CSP error is logged
    (the journey fixture also fails on any console error)."""
    page = journey.page
    journey.login("director")
    page.get_by_role("link", name="Énergie").first.click()
    page.wait_for_load_state("networkidle")
    journey.shot("energy-dashboard")
    colours, dominant = chart_colours(page, "figure.energy-chart svg")
    assert colours > 8 and dominant < 0.97, (colours, dominant)  # a blocked chart is one colour
    page.get_by_role("link", name="IME Villeneuve-la-Garenne").first.click()  # the building furthest off track
    page.wait_for_load_state("networkidle")
    journey.shot("building")
    colours, dominant = chart_colours(page, "figure.energy-chart svg")
    assert colours > 8 and dominant < 0.97, (colours, dominant)  # a blocked chart is one colour
    assert not [e for e in journey.console_errors if "Content Security Policy" in e or "Content-Security" in e], \
        journey.console_errors
