"""PDF rendering with WeasyPrint: one entry point, its own print CSS, and a fetcher that never leaves the app.

WeasyPrint fetches every URL a document mentions (stylesheets, images, fonts). Reports contain text that users
typed, so the fetcher is the last line of defence: it serves the application's own static files read from disk
and `data:` URIs, and refuses everything else (`file://`, `http(s)://`, `ftp:`…) by raising, so nothing is read
or requested. Jinja autoescaping (on for .html templates) keeps user text as text in the first place.
"""

from __future__ import annotations

import base64
import mimetypes
import urllib.parse
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from flask import Flask, current_app
from jinja2 import Environment, StrictUndefined
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse
from werkzeug.security import safe_join

# Documents are given this base URL so that `/static/css/print.css` resolves to `app:///static/css/print.css`,
# a scheme that only `StaticFileFetcher` understands (urllib must know it joins like http to resolve relatives).
APP_SCHEME = "app"
BASE_URL = f"{APP_SCHEME}:///"
for _registry in (urllib.parse.uses_relative, urllib.parse.uses_netloc):
    if APP_SCHEME not in _registry:
        _registry.append(APP_SCHEME)

PDF_TEMPLATE_FOLDER = "pdf/"


class RefusedURL(ValueError):
    """A document asked for a URL the report fetcher does not serve."""


def static_roots(app=None) -> dict[str, Path]:
    """URL prefixes of the app's static files and the folders they are read from."""
    app = app or current_app._get_current_object()
    roots = {}
    if app.static_folder:
        roots[(app.static_url_path or "/static").rstrip("/") + "/"] = Path(app.static_folder)
    bootstrap = app.blueprints.get("bootstrap")
    if bootstrap is not None and bootstrap.static_folder:
        roots[(bootstrap.static_url_path or "/bootstrap/static").rstrip("/") + "/"] = Path(bootstrap.static_folder)
    return roots


class StaticFileFetcher(URLFetcher):
    """Serves the app's static files from disk and `data:` URIs; raises RefusedURL for any other URL."""

    def __init__(self, roots: Mapping[str, Path]):
        # No protocol is allowed to the parent class: its network/file handlers are never used.
        super().__init__(allowed_protocols=(), fail_on_errors=False)
        self.roots = dict(roots)

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return _data_response(url)
        if scheme == APP_SCHEME:
            parts = urlsplit(url)
            if parts.netloc:
                raise RefusedURL(f"Refused URL (unknown host): {url}")
            path = parts.path
        elif not scheme and url.startswith("/") and not url.startswith("//"):
            path = urlsplit(url).path
        else:
            raise RefusedURL(f"Refused URL (only the application's static files are served): {url}")
        return self._static_response(url, unquote(path))

    def _static_response(self, url: str, path: str) -> URLFetcherResponse:
        for prefix, root in self.roots.items():
            if path.startswith(prefix):
                found = safe_join(str(root), path[len(prefix):])
                if found and Path(found).is_file():
                    content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, Path(found).read_bytes(), {"Content-Type": content_type})
        raise RefusedURL(f"Refused URL (not a static file of the application): {url}")


def _data_response(url: str) -> URLFetcherResponse:
    """Decode a `data:` URI in memory (RFC 2397)."""
    header, comma, payload = url[len("data:"):].partition(",")
    if not comma:
        raise RefusedURL("Malformed data: URI")
    params = header.split(";")
    content_type = params[0] or "text/plain"
    body = base64.b64decode(unquote(payload)) if "base64" in params[1:] else unquote_to_bytes(payload)
    return URLFetcherResponse(url, body, {"Content-Type": content_type})


def make_fetcher(app=None) -> StaticFileFetcher:
    """The fetcher for documents of this application."""
    return StaticFileFetcher(static_roots(app))


# The only globals report templates see: Jinja's own and the translation functions. Everything bound to a request
# or a signed-in user (request, session, g, current_user, csrf_token, url_for, other areas' page helpers) is left
# out, because reports are also rendered by jobs and the command line, outside any request.
REPORT_GLOBALS = frozenset({"_", "gettext", "ngettext", "pgettext", "npgettext", "range", "dict", "lipsum",
                            "cycler", "joiner", "namespace"})


def report_environment(app: Flask | None = None) -> Environment:
    """The Jinja environment of report templates: the app's loader, filters and translations, without the page
    context (no context processor runs, so no `current_user`), and strict about undefined names so that a
    template relying on the request fails in every test rather than printing blanks."""
    app = app or current_app._get_current_object()
    environment = app.extensions.get("reports_jinja_env")
    if environment is None:
        # Its own template cache: templates compiled here are bound to these globals only.
        environment = app.jinja_env.overlay(undefined=StrictUndefined, cache_size=100)
        environment.globals = {name: value for name, value in app.jinja_env.globals.items()
                               if name in REPORT_GLOBALS}
        app.extensions["reports_jinja_env"] = environment
    return environment


def _report_context() -> dict:
    """What every report template may use, whether rendered in a request, a job or the command line."""
    from flask_babel import get_locale

    from facilities.inventory.catalogue import (
        MEDICAL_SPECIALTY_LABELS,
        SERVICE_LABELS,
        SITE_KIND_LABELS,
        SITE_STATUS_LABELS,
        SPACE_TYPE_LABELS,
    )
    from facilities.palette import DPE_COLORS, DPE_TEXT_COLORS

    return {"SERVICE_LABELS": SERVICE_LABELS, "SITE_KIND_LABELS": SITE_KIND_LABELS,
            "SITE_STATUS_LABELS": SITE_STATUS_LABELS, "SPACE_TYPE_LABELS": SPACE_TYPE_LABELS,
            "MEDICAL_SPECIALTY_LABELS": MEDICAL_SPECIALTY_LABELS, "get_locale": get_locale,
            "DPE_COLORS": DPE_COLORS, "DPE_TEXT_COLORS": DPE_TEXT_COLORS, "unnumbered": False, "today": None}


def render_html(template: str, **context) -> str:
    """The HTML of a report template under facilities/templates/pdf/ (autoescaped like every .html template)."""
    if not template.startswith(PDF_TEMPLATE_FOLDER):
        template = PDF_TEMPLATE_FOLDER + template
    return report_environment().get_template(template).render({**_report_context(), **context})


def html_to_pdf(html: str, fetcher: URLFetcher | None = None) -> bytes:
    """Lay out HTML and return the PDF bytes, fetching only through the app's fetcher."""
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher or make_fetcher())
    return document.write_pdf()


def render_pdf(template: str, **context) -> bytes:
    """Render a Jinja template under facilities/templates/pdf/ to PDF bytes (A4, running header and numbered footer)."""
    return html_to_pdf(render_html(template, **context))


def merge_numbered(parts: list[Path], target: Path, title: str, *, landscape: bool = False,
                   fetcher: URLFetcher | None = None) -> int:
    """Merge PDF parts laid out `unnumbered` into `target`: "page X / Y" stamped on every page (Y is only known
    once every part is laid out), each part's top-level bookmarks kept, the file written whole or not at all.
    Returns the page count."""
    import io

    from pypdf import PdfReader, PdfWriter

    page_count = sum(len(PdfReader(part).pages) for part in parts)
    numbers = PdfReader(io.BytesIO(html_to_pdf(render_html("page_numbers.html", pages=page_count,
                                                           landscape=landscape), fetcher)))
    writer = PdfWriter()
    number = 0
    for part in parts:
        reader = PdfReader(part)
        first = number
        for page in reader.pages:
            writer.add_page(page).merge_page(numbers.pages[number])  # pypdf 7 merges writer pages only
            number += 1
        for heading, page_index in _bookmarks(reader):
            writer.add_outline_item(title=heading, page_number=first + page_index)
    writer.add_metadata({"/Title": title})
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(".part")
    with temporary.open("wb") as stream:
        writer.write(stream)
    temporary.replace(target)
    return page_count


def _bookmarks(reader) -> list[tuple[str, int]]:
    """The top-level bookmarks of a part (WeasyPrint makes one per h1/h2 heading) with their page indexes."""
    found = []
    for item in reader.outline:
        if isinstance(item, list):
            continue  # nested levels
        found.append((str(item.title), reader.get_destination_page_number(item)))
    return found
