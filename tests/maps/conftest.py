"""Fixtures of the maps tests: the Hauts-de-Seine communes shipped with the package, imported."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def communes_file() -> Path:
    from facilities.data import COMMUNES_92

    return COMMUNES_92


@pytest.fixture
def communes(runner, communes_file, db):
    """The 36 communes of Hauts-de-Seine imported through the command."""
    result = runner.invoke(args=["gis", "import-boundaries", str(communes_file), "--code-field", "code",
                                 "--name-field", "nom"])
    assert result.exit_code == 0, result.output
    return communes_file
