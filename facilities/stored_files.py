"""Uploaded files kept outside the web root, in a folder of the instance, under random names (check reports,
request photos): written with a size cap, found again only by a stored name of the expected shape."""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import IO

from flask import current_app

from facilities.validation import ValidationError

_CHUNK = 1024 * 1024


def folder(setting: str, default_name: str) -> Path:
    """The folder a setting names, or `instance/<default_name>`; created when missing."""
    path = Path(current_app.config.get(setting) or Path(current_app.instance_path) / default_name)
    path.mkdir(parents=True, exist_ok=True)
    return path


def new_name(suffix: str) -> str:
    """An unguessable stored name (32 URL-safe characters) with its suffix."""
    return f"{secrets.token_urlsafe(24)}{suffix}"


def stored_pattern(suffixes: str) -> re.Pattern:
    """The shape of the names `new_name` gives, for one of the suffixes (a regex alternation, e.g. r"\\.pdf")."""
    return re.compile(rf"^[A-Za-z0-9_-]{{32}}(?:{suffixes})$")


def write_capped(stream: IO[bytes], path: Path, head: bytes, limit: int, field: str, too_large: str) -> int:
    """Write `head` then the rest of `stream` to `path`, at most `limit` bytes: the size, or ValidationError
    (`too_large` for `field`) with nothing left behind."""
    size = len(head)
    try:
        with path.open("wb") as out:
            out.write(head)
            if size > limit:
                raise ValidationError({field: too_large})
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise ValidationError({field: too_large})
                out.write(chunk)
    except ValidationError:
        path.unlink(missing_ok=True)
        raise
    return size


def path_in(base: Path, stored: str | None, pattern: re.Pattern) -> Path | None:
    """The file of a stored name in `base`, or None (never a path outside it)."""
    if not stored or not pattern.match(stored):
        return None
    path = base / stored
    return path if path.is_file() else None


def remove_in(base: Path, stored: str | None, pattern: re.Pattern) -> None:
    """Delete a stored file of `base` if it is there (a name of another shape is ignored)."""
    path = path_in(base, stored, pattern)
    if path is not None:
        path.unlink(missing_ok=True)
