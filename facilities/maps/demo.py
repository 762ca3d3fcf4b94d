"""Demo data of the maps area: the communes of Hauts-de-Seine (shipped in facilities/data under the Licence
Ouverte), so that the demo map shows where the communes are and can colour them.

Idempotent: the outlines are loaded only when no boundaries are loaded yet; a user's own import is never replaced.
"""

from __future__ import annotations

from facilities.data import COMMUNES_92
from facilities.maps import services


def load_demo() -> bool:
    """Load the Hauts-de-Seine communes when no boundaries are loaded; True when they were loaded now."""
    if services.current_boundary_import() is not None:
        return False
    services.import_boundaries(COMMUNES_92, "code", "nom")
    return True
