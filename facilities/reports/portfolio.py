"""The portfolio report: every site and building with its key figures, hundreds of pages.

One WeasyPrint document of a thousand buildings holds every laid-out box in memory at once. The report is
therefore laid out in chunks of sites, each written to a temporary PDF, then merged with pypdf; the
"page X / Y" numbers, which need the final page count, are stamped last from a document of blank numbered pages.
"""

from __future__ import annotations

import io
import tempfile
from datetime import date
from pathlib import Path

from flask_babel import gettext as _
from pypdf import PdfReader, PdfWriter

from facilities.reports.pdf import html_to_pdf, make_fetcher, render_html
from facilities.reports.services import portfolio_chunks, portfolio_totals

SITES_PER_CHUNK = 60
LAYOUT_SHARE = 90  # percent of the progress bar spent laying out chunks; the rest is merging


def render_portfolio(target: Path, progress=lambda percent, message: None,
                     sites_per_chunk: int = SITES_PER_CHUNK) -> int:
    """Write the portfolio report to `target`; report progress as (percent, message); return the page count."""
    totals = portfolio_totals()
    fetcher = make_fetcher()
    title = _("Portfolio of sites and buildings")
    today = date.today()
    progress(1, _("Reading the portfolio…"))
    with tempfile.TemporaryDirectory(prefix="portfolio-") as workdir:
        parts: list[Path] = []
        sites_done = 0
        for index, chunk in enumerate(_chunks_or_empty(sites_per_chunk)):
            html = render_html("portfolio.html", chunk=chunk, totals=totals, first_chunk=index == 0, title=title,
                               today=today, unnumbered=True)
            part = Path(workdir) / f"part-{index:05d}.pdf"
            part.write_bytes(html_to_pdf(html, fetcher))
            parts.append(part)
            sites_done += len(chunk)
            progress(1 + (LAYOUT_SHARE - 1) * sites_done // max(totals.sites, 1),
                     _("%(done)s of %(total)s sites laid out", done=sites_done, total=totals.sites))
        progress(LAYOUT_SHARE, _("Numbering and merging the pages…"))
        page_count = sum(len(PdfReader(part).pages) for part in parts)
        numbers = PdfReader(io.BytesIO(html_to_pdf(render_html("page_numbers.html", pages=page_count), fetcher)))
        writer = PdfWriter()
        number = 0
        for part in parts:
            for page in PdfReader(part).pages:
                writer.add_page(page).merge_page(numbers.pages[number])  # pypdf 7 merges writer pages only
                number += 1
        writer.add_metadata({"/Title": title})
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(".part")
        with temporary.open("wb") as stream:
            writer.write(stream)
        temporary.replace(target)  # the file appears complete or not at all
    progress(100, _("Done"))
    return page_count


def _chunks_or_empty(sites_per_chunk: int):
    """The portfolio's chunks; one empty chunk for an empty portfolio so the report still has its title."""
    empty = True
    for chunk in portfolio_chunks(sites_per_chunk):
        empty = False
        yield chunk
    if empty:
        yield []
