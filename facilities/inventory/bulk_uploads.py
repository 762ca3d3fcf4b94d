"""Uploaded inventory files waiting for their confirmation (or for the background job that reads them).

A file is kept in the instance folder (`imports/`) under a random name prefixed by its uploader's id, so that
only they can apply it; it is removed once applied, when its check refuses it, and forgotten after a day.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path
from typing import IO

from flask import current_app

UPLOAD_LIFETIME_SECONDS = 24 * 3600
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}\.(csv|xlsx)$")
_COPY_CHUNK = 1024 * 1024


def folder(subfolder: str = "imports") -> Path:
    path = Path(current_app.instance_path) / subfolder
    path.mkdir(parents=True, exist_ok=True)
    return path


def _forget_old(where: Path) -> None:
    limit = time.time() - UPLOAD_LIFETIME_SECONDS
    for path in where.glob("*"):
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def keep(stream: IO[bytes], fmt: str, user_id: int, subfolder: str = "imports") -> tuple[str, Path]:
    """Copy an upload to disk, a chunk at a time: (the name to send back, its path). Other imports (the plans')
    keep theirs in a `subfolder` of their own."""
    where = folder(subfolder)
    _forget_old(where)
    name = f"{secrets.token_urlsafe(24)}.{fmt}"
    path = where / f"{user_id}-{name}"
    with path.open("wb") as out:
        while chunk := stream.read(_COPY_CHUNK):
            out.write(chunk)
    return name, path


def path_of(name: str, user_id: int | None, subfolder: str = "imports", pattern: re.Pattern = NAME_PATTERN
            ) -> Path | None:
    """The kept file of `name` for this user, or None (a malformed name, someone else's or a forgotten file)."""
    if not name or user_id is None or not pattern.match(name):
        return None
    path = folder(subfolder) / f"{user_id}-{name}"
    return path if path.is_file() else None
