"""The inventory PDF of a big building, laid out in chunks of rows (the way of the portfolio report).

WeasyPrint keeps every box of a document in memory and its table layout slows down as a table grows, so one
document of 10,000 spaces took minutes and more than a gigabyte. Here the floors are cut into chunks of at most
ROWS_PER_CHUNK spaces (a floor bigger than that continues in the next chunk under "(continued)"); each chunk is
laid out on its own, then the parts are merged and numbered (facilities/reports/pdf.py). Each chunk starts a new
page. The same template serves the one-document rendering of ordinary buildings.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from flask_babel import gettext as _

from facilities.reports import services
from facilities.reports.pdf import html_to_pdf, make_fetcher, merge_numbered, render_html

ROWS_PER_CHUNK = 400
MIN_ROWS_TO_BEGIN = 20

Section = tuple  # (floor, spaces, continued, last slice of the floor)


def chunk_sections(floors, rows_per_chunk: int = ROWS_PER_CHUNK) -> list[list[Section]]:
    """Floors (top down) cut into chunks of at most `rows_per_chunk` spaces (an empty floor counts as one row); a
    floor is not begun in the last few rows of a chunk."""
    chunks: list[list[Section]] = []
    current: list[Section] = []
    used = 0

    def close() -> None:
        nonlocal current, used
        if current:
            chunks.append(current)
        current, used = [], 0

    for floor in floors:
        spaces = list(floor.spaces)
        if not spaces:
            current.append((floor, [], False, True))
            used += 1
        start = 0
        while start < len(spaces):
            if rows_per_chunk - used < min(MIN_ROWS_TO_BEGIN, len(spaces) - start):
                close()
            part = spaces[start:start + rows_per_chunk - used]
            current.append((floor, part, start > 0, start + len(part) == len(spaces)))
            used += len(part)
            start += len(part)
            if used >= rows_per_chunk:
                close()
    close()
    return chunks or [[]]


def render_inventory(building_id: int, target: Path, progress: Callable[[int, str], None] = lambda p, m: None,
                     rows_per_chunk: int | None = None) -> int:
    """Write the inventory PDF of a building to `target`, chunk by chunk; return its page count."""
    building = services.load_building_inventory(building_id)
    if building is None:
        raise LookupError(f"no building {building_id}")
    context = services.inventory_context(building)
    title = _("Inventory · %(name)s", name=building.name)
    chunks = chunk_sections(context["floors"], rows_per_chunk or ROWS_PER_CHUNK)
    fetcher = make_fetcher()
    progress(1, _("Reading the building…"))
    with tempfile.TemporaryDirectory(prefix="inventory-") as workdir:
        parts = []
        for index, sections in enumerate(chunks):
            html = render_html("inventory.html", **{**context, "title": title, "sections": sections,
                                                    "show_summary": index == 0, "unnumbered": True})
            part = Path(workdir) / f"part-{index:05d}.pdf"
            part.write_bytes(html_to_pdf(html, fetcher))
            parts.append(part)
            progress(1 + 89 * (index + 1) // len(chunks),
                     _("%(done)s of %(total)s parts laid out", done=index + 1, total=len(chunks)))
        progress(90, _("Numbering and merging the pages…"))
        pages = merge_numbered(parts, target, title, fetcher=fetcher)
    progress(100, _("Done"))
    return pages
