"""Plan files (IFC, DXF) waiting for their confirmation, kept as the inventory's uploads are (inventory
bulk_uploads: a random name prefixed by the uploader's id, forgotten after a day) in a folder of their own."""

from __future__ import annotations

import re
from pathlib import Path
from typing import IO

from facilities.inventory import bulk_uploads

SUBFOLDER = "plan-imports"
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}\.(ifc|dxf)$")


def keep(stream: IO[bytes], fmt: str, user_id: int) -> tuple[str, Path]:
    """Copy an upload to disk: (the name to send back, its path)."""
    return bulk_uploads.keep(stream, fmt, user_id, SUBFOLDER)


def path_of(name: str, user_id: int | None) -> Path | None:
    """The kept plan file of `name` for this user, or None."""
    return bulk_uploads.path_of(name, user_id, SUBFOLDER, NAME_PATTERN)
