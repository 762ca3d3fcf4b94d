"""Every page of the app, as each role, in French and English, at 1366 and 390 px (issue 14, "Done when").

The pages are found by walking the app's URL map (pages other areas add are visited without changing this file),
with the ids of the demo's first rows. Each page is loaded once per role and language at 1366 px, checked, then
checked again at 390 px after resizing the same page (one browser, one page per role and language). A page fails on:
- any console error (a Content-Security-Policy refusal, a script error, a missing file);
- a document wider than the window (the page scrolls sideways);
- a raw code in the visible text (`natural_gas`, `meeting_room`, `floor_id`…: words joined by underscores);
- an interface string of the other language (the French catalogue's strings on English pages and the reverse);
- a chart whose drawing is blank or one solid colour (its pixels, from a screenshot; not the DOM).
Every page is saved as a picture under test-output/browser/pages/<role>-<lang>/<width>-<page>.png.
"""

from __future__ import annotations

import functools
import importlib
import io
import os
import re
from pathlib import Path

import pytest

from tests.browser.conftest import DEMO_PASSWORDS, OUTPUT, english_interface_strings

pytestmark = pytest.mark.browser

ROLES = ("admin", "facilities_manager", "architect", "director", "requester")
WIDTHS = (1366, 390)
HEIGHT = 900
# Not pages: files, data, assets and pages that need a one-time token or start a job.
NOT_PAGES = re.compile(r"\.(pdf|xlsx|csv|json|svg|css|geojson|zip|dxf|ifc|png)$|^/(static|vendor|bootstrap|api|jobs|reset|health|"
                       r"login|inventory/import/jobs|ogc)\b|/file$|^/checks/[^/]+/report$|^/requests/[^/]+/photo$")  # files: downloads, not pages
RAW_CODE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
CHART_SELECTOR = "figure svg, svg.bar-chart"
QUERIES = {"works.compare": {"with": 1}}
SCOPED = {"inventory.site_detail", "inventory.building_detail", "inventory.floor_detail"}  # READ_OWN_SITES  # pages that need a query argument: the demo's first envelope

VISIBLE_TEXTS_JS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, parent = node.parentElement;
    const text = (node.nodeValue || '').replace(/\\s+/g, ' ').trim();
    if (!text || !parent || parent.closest('script, style, code, pre, kbd, samp, textarea, [translate=no]')) continue;
    if (!parent.getClientRects().length || getComputedStyle(parent).visibility === 'hidden') continue;
    if (parent.closest('.visually-hidden')) continue;
    out.push(text);
  }
  for (const el of document.querySelectorAll('[title], [placeholder], [aria-label], option, button, a'))
    for (const name of ['title', 'placeholder', 'aria-label'])
      if (el.getAttribute(name)) out.push(el.getAttribute(name).replace(/\\s+/g, ' ').trim());
  const textOf = el => {  // an element's text without what sits in code (file columns, codes to type)
    let text = '';
    const inner = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    while (inner.nextNode()) if (!inner.currentNode.parentElement.closest('code, pre, kbd, samp')) text += inner.currentNode.nodeValue;
    return text.replace(/\\s+/g, ' ').trim();
  };
  for (const el of document.querySelectorAll('a, button, label, legend, option, summary, caption, th, dt, h1, h2, h3, h4, h5, h6, p, li, .badge, .form-text, .alert'))
    if (!el.closest('code, pre, [translate=no]')) out.push(textOf(el));
  out.push(document.title);
  return out;
}"""


@functools.cache
def french_interface_strings() -> tuple[frozenset[str], frozenset[str]]:
    """The French catalogue's strings that differ from their English (on an English page they are untranslated),
    and every English msgid: a word of both languages ("Reports": the Reports page, and CP carried over) is
    neither language's mistake."""
    from babel.messages.pofile import read_po

    from tests.browser.conftest import ROOT

    with open(ROOT / "facilities/translations/fr/LC_MESSAGES/messages.po", "rb") as f:
        catalogue = read_po(f, locale="fr")
    found, english = set(), set()
    for message in catalogue:
        msgid = message.id if isinstance(message.id, str) else (message.id[0] if message.id else "")
        string = message.string if isinstance(message.string, str) else (message.string or ("",))[0]
        english.add(" ".join(msgid.split()))
        if msgid and string and string != msgid and "%(" not in string and re.search("[a-zà-ÿ]{2}", string):
            found.add(" ".join(string.split()))
    return frozenset(found), frozenset(english)


def page_urls(app) -> list[tuple[str, str, str]]:
    """(endpoint, url, permission) of every HTML page a signed-in user can open, with the demo's first ids."""
    from flask import url_for
    from sqlalchemy import text

    from facilities.extensions import db
    from facilities.permissions import PUBLIC_ENDPOINTS, required_permission
    from tests.test_routes_permissions import _table_for

    with app.app_context():
        ids = {}
        for table in db.metadata.sorted_tables:
            if "id" in table.c:
                found = db.session.execute(text(f'SELECT MIN(id) FROM "{table.name}"')).scalar()
                if found is not None:
                    ids[table.name] = found
        # <name>/<row_id> of the reference tables: each area's first table and its first row
        references = {}
        for prefix, module in (("/energy/", "facilities.energy.reference_admin"), ("/safety/", "facilities.safety.reference")):
            try:
                tables = importlib.import_module(module).TABLES
            except ImportError:
                continue
            name = next(iter(tables))
            references[prefix] = (name, db.session.execute(
                text(f'SELECT MIN(id) FROM "{tables[name].model.__tablename__}"')).scalar())
    pages = []
    with app.test_request_context():
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if "GET" not in rule.methods or rule.endpoint in PUBLIC_ENDPOINTS or NOT_PAGES.search(rule.rule):
                continue
            values = {}
            for argument in rule.arguments:
                real = next((ids[name] for name in _table_for(argument) if name in ids), None)
                reference = next((found for prefix, found in references.items() if rule.rule.startswith(prefix)), None)
                if argument in ("name", "row_id"):
                    real = reference and reference[0 if argument == "name" else 1]
                if real is None:
                    break
                values[argument] = real
            else:
                permission = required_permission(app.view_functions[rule.endpoint])
                pages.append((rule.endpoint, url_for(rule.endpoint, **values, **QUERIES.get(rule.endpoint, {})),
                              str(permission)))
    return pages


def chart_problem(locator) -> str | None:
    """None when the chart has real drawing: many colours, none covering almost everything."""
    from PIL import Image

    image = Image.open(io.BytesIO(locator.screenshot())).convert("RGB")
    counts = image.getcolors(maxcolors=1 << 20) or []
    total = sum(n for n, _c in counts)
    dominant = max(n for n, _c in counts) / total if total else 1
    if len(counts) <= 8 or dominant >= 0.97:
        return f"chart blank or one colour ({len(counts)} colours, {dominant:.0%} one colour)"
    return None


def data_texts(app) -> frozenset[str]:
    """Every text the database holds (names, labels, notes…): what people typed is shown in its own language."""
    from sqlalchemy import String, Text, select

    from facilities.extensions import db

    found = set()
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for column in table.c:
                if isinstance(column.type, String | Text):
                    found.update(" ".join(str(value).split()) for value in db.session.scalars(
                        select(column).where(column.is_not(None)).distinct()))
    return frozenset(found)


def page_problems(page, lang: str, width: int, console: list[str], data: frozenset[str] = frozenset()) -> list[str]:
    problems = [f"console: {message}" for message in console]
    console.clear()
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    if scroll_width > width:
        wide = page.evaluate("""(w) => [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > w + 1 && el.getClientRects().length)
            .slice(-3).map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                             + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : ''))""",
                             width)
        problems.append(f"page is {scroll_width} px wide at {width} px ({', '.join(wide)})")
    texts = page.evaluate(VISIBLE_TEXTS_JS)
    codes = sorted({code for text in texts for code in RAW_CODE.findall(text)})
    if codes:
        problems.append(f"raw codes: {codes[:8]}")
    if lang == "fr":
        exact, patterns = english_interface_strings()
        french, _english = french_interface_strings()  # "Report" is also French (CP to re-spread)
        other = sorted({t for t in texts if (t in exact or any(p.match(t) for p in patterns)) and t not in french})
    else:
        french, english = french_interface_strings()
        other = sorted({t for t in texts if t in french and t not in english and t not in data})
    if other:
        problems.append(f"{'English' if lang == 'fr' else 'French'} text: {other[:6]}")
    if width == WIDTHS[0]:
        charts = page.locator(CHART_SELECTOR)
        for index in range(charts.count()):
            found = chart_problem(charts.nth(index))
            if found:
                problems.append(f"chart {index + 1}: {found}")
    return problems


def sign_in(page, base_url: str, role: str, lang: str) -> None:
    email, password = DEMO_PASSWORDS[role]
    page.goto(base_url + "/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    assert "/login" not in page.url, f"sign-in as {role} failed"
    if lang == "en":
        page.locator("button[name=lang][value=en]").first.click()
        page.wait_for_load_state()


def shot(page, folder: Path, width: int, name: str) -> None:
    page.screenshot(path=str(folder / f"{width}-{name}.png"), full_page=True)


def test_every_page_as_every_role_in_both_languages_and_widths(chromium, live_server, fresh_demo):
    from facilities.permissions import role_has

    pages = page_urls(fresh_demo)
    data = data_texts(fresh_demo)
    assert len(pages) > 25, pages
    # EVERY_PAGE_ENDPOINTS=regex: only the pages whose endpoint matches (a change's own pages, on a shared machine)
    only = os.environ.get("EVERY_PAGE_ENDPOINTS")
    if only:
        pages = [found for found in pages if re.search(only, found[0])]
        assert pages, f"no page's endpoint matches {only}"
    problems: list[str] = []
    visited = 0
    for role in ROLES:
        for lang in ("fr", "en"):
            folder = OUTPUT / "pages" / f"{role}-{lang}"
            folder.mkdir(parents=True, exist_ok=True)
            context = chromium.new_context(viewport={"width": WIDTHS[0], "height": HEIGHT}, locale="fr-FR")
            page = context.new_page()
            console: list[str] = []
            page.on("console", lambda m, c=console: c.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e, c=console: c.append(str(e)))
            sign_in(page, live_server, role, lang)
            for endpoint, url, permission in pages:
                # A requester reads its sites' pages too (the demo requester's site is the first one).
                if not role_has(role, permission) and not (role_has(role, "read_own_sites") and endpoint in SCOPED):
                    continue
                page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})
                try:
                    response = page.goto(live_server + url)
                except Exception as error:  # Playwright's Error on a file, not a page: not this test's business
                    if "Download is starting" in str(error):
                        continue
                    raise
                page.wait_for_load_state("networkidle")
                if response is None or response.status != 200 or "text/html" not in response.headers.get(
                        "content-type", ""):
                    problems.append(f"{role} {lang} {url}: answered {response and response.status}")
                    console.clear()
                    continue
                visited += 1
                name = endpoint.replace(".", "-")
                for width in WIDTHS:
                    if width != WIDTHS[0]:
                        page.set_viewport_size({"width": width, "height": HEIGHT})
                        page.wait_for_timeout(50)
                    shot(page, folder, width, name)
                    problems += [f"{role} {lang} {width} {url}: {p}"
                                 for p in page_problems(page, lang, width, console, data)]
            context.close()
    # The sign-in page, before signing in.
    for lang in ("fr", "en") if not only else ():
        context = chromium.new_context(viewport={"width": WIDTHS[0], "height": HEIGHT}, locale="fr-FR")
        context.add_cookies([{"name": "lang", "value": lang, "url": live_server}])
        page = context.new_page()
        console = []
        page.on("console", lambda m, c=console: c.append(m.text) if m.type == "error" else None)
        page.goto(live_server + "/login")
        folder = OUTPUT / "pages" / f"anonymous-{lang}"
        folder.mkdir(parents=True, exist_ok=True)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": HEIGHT})
            shot(page, folder, width, "login")
            problems += [f"anonymous {lang} {width} /login: {p}" for p in page_problems(page, lang, width, console)]
        context.close()
    assert only or visited > 4 * 2 * 20
    assert not problems, f"{len(problems)} problem(s) on {visited} page visits:\n" + "\n".join(problems)
