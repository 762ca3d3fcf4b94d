"""No code path compiles data as a template (the class of bug that let a site name run code through the map).

Run by `make audit` too. Rules, checked on the syntax tree of every module of facilities/ and gis/:
- a template is built only from a string literal (``Template("...")``, ``Element("...")``), never from a name,
  an f-string, a concatenation or a call;
- the APIs that compile text given at run time are not used at all: ``render_template_string``,
  ``from_string``, and folium's element types that wrap caller text in a template (Popup, Tooltip, Html,
  IFrame, Marker, GeoJsonTooltip, GeoJsonPopup, Element).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted(p for folder in ("facilities", "gis") for p in (ROOT / folder).rglob("*.py"))
LITERAL_ONLY = {"Template", "Element", "MacroElement"}
FORBIDDEN = {"render_template_string", "from_string", "Popup", "Tooltip", "Html", "IFrame", "Marker",
             "GeoJsonTooltip", "GeoJsonPopup"}


def _called_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def unsafe_template_calls(source: str, filename: str = "<string>") -> list[str]:
    """Every call that could compile non-literal text as a template, as 'file:line name'."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call):
            continue
        name = _called_name(node)
        arguments = [*node.args, *(k.value for k in node.keywords)]
        if name in FORBIDDEN:
            found.append(f"{filename}:{node.lineno} {name}")
        elif name in LITERAL_ONLY and arguments and not all(
            isinstance(a, ast.Constant) and isinstance(a.value, str | None) for a in arguments
        ):
            found.append(f"{filename}:{node.lineno} {name}")
    return found


def test_the_sources_are_scanned():
    assert len(SOURCES) > 50
    assert ROOT / "gis" / "webmap.py" in SOURCES or any(p.parent.name == "gis" for p in SOURCES)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_is_compiled_from_data(path: Path):
    assert unsafe_template_calls(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT))) == []


@pytest.mark.parametrize("source", [
    "Template(text)",
    "Template(f'<b>{name}</b>')",
    "branca.element.Element(html)",
    "Element('<b>' + name)",
    "flask.render_template_string('{{ x }}')",
    "env.from_string(body)",
    "folium.Popup(site.name)",
    "folium.Marker(location, tooltip=name)",
])
def test_the_check_catches_each_unsafe_form(source: str):
    assert unsafe_template_calls(source)


def test_the_check_accepts_literal_templates():
    assert unsafe_template_calls('Template("""{% macro script(this, kwargs) %}{% endmacro %}""")') == []
