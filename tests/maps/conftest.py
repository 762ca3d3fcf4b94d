"""Fixtures of the maps tests: the shared reference geography (skipped when absent) and imported communes."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED_GIS = Path(__file__).resolve().parents[2].parent / "shared" / "gis"
COMMUNES_92 = SHARED_GIS / "communes-92.geojson"


@pytest.fixture
def communes_file() -> Path:
    if not COMMUNES_92.is_file():
        pytest.skip(f"reference geography not found: {COMMUNES_92}")
    return COMMUNES_92


@pytest.fixture
def communes(runner, communes_file, db):
    """The 36 communes of Hauts-de-Seine imported through the command."""
    result = runner.invoke(args=["gis", "import-boundaries", str(communes_file), "--code-field", "code",
                                 "--name-field", "nom"])
    assert result.exit_code == 0, result.output
    return communes_file
