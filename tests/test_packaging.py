"""The package is the product: what `pip install .` gives is what the app needs (issue 12, point 10).

CI also installs the built wheel in a clean virtual environment and serves French pages and the portfolio PDF
from it (scripts/check-installed-wheel, run by .ci/run); these tests keep the declarations honest.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tomllib
import zipfile
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("facilities", "gis")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def imported_modules(path: Path) -> set[str]:
    """Top-level names of every absolute import in a file, wherever it sits (module top, function, branch)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def runtime_dependencies() -> set[str]:
    return {canonicalize_name(Requirement(line).name) for line in PYPROJECT["project"]["dependencies"]}


def test_every_import_of_the_product_is_a_runtime_dependency():
    """Each third-party module that facilities/ or gis/ imports comes from a distribution named in
    `dependencies` itself: not only in the dev extras (pypdf was), not only through another package."""
    sources = [path for package in PACKAGES for path in (ROOT / package).rglob("*.py")] + [ROOT / "wsgi.py"]
    distributions = packages_distributions()
    declared = runtime_dependencies()
    missing = {}
    for path in sources:
        for name in imported_modules(path) - set(sys.stdlib_module_names) - set(PACKAGES) - {"__future__"}:
            provided_by = {canonicalize_name(dist) for dist in distributions.get(name, [])}
            if not provided_by & declared:
                missing.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    assert not missing, f"imported but not in [project] dependencies: { {k: sorted(v) for k, v in missing.items()} }"


def test_the_dev_extras_hold_only_tools():
    """Nothing the product imports hides in the dev extras."""
    runtime = runtime_dependencies()
    dev = {canonicalize_name(Requirement(line).name) for line in PYPROJECT["project"]["optional-dependencies"]["dev"]}
    assert not runtime & dev, "listed twice"
    used = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            used |= imported_modules(path)
    distributions = packages_distributions()
    assert not {name for name in used if {canonicalize_name(d) for d in distributions.get(name, [])} & dev}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    """The wheel built from a copy of the sources (no build/ or .egg-info left in the checkout)."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "setup.py", "README.md", "wsgi.py", *PACKAGES):
        item = ROOT / name
        if item.is_dir():
            shutil.copytree(item, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo"))
        else:
            shutil.copy2(item, source / name)
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(dist), str(source)], check=True, capture_output=True, text=True)
    (built,) = dist.glob("facilities-*.whl")
    with zipfile.ZipFile(built) as archive:
        yield archive


def test_the_wheel_carries_templates_static_files_migrations_data_and_compiled_catalogues(wheel):
    names = set(wheel.namelist())
    # every data file of the sources (templates, static files, catalogues, migrations, geography...)
    sources = {str(path.relative_to(ROOT)) for package in PACKAGES for path in (ROOT / package).rglob("*")
               if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".mo")}
    assert not sources - names, f"left out of the wheel: {sorted(sources - names)}"
    for language in ("fr", "en"):
        assert f"facilities/translations/{language}/LC_MESSAGES/messages.mo" in names  # compiled by the build
    assert "facilities/templates/base.html" in names and "facilities/migrations/env.py" in names
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]


def test_the_compiled_french_catalogue_translates(wheel, tmp_path):
    from babel.support import Translations

    wheel.extract("facilities/translations/fr/LC_MESSAGES/messages.mo", tmp_path)
    translations = Translations.load(str(tmp_path / "facilities/translations"), ["fr"])
    assert translations.gettext("Sign in") != "Sign in"
