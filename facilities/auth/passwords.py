"""The password policy, after NIST SP 800-63B (5.1.1.2): length, not common, not the account's own name.

No composition rules (no "one digit, one capital"): they make passwords harder to remember, not to guess.
Instead a password must have at least MIN_LENGTH characters, at most a generous MAX_LENGTH, and must not be
- one of the 20,000 most common passwords (data/common-passwords.txt.gz, with its licence beside it), nor such
  a password with digits or symbols added at either end (`password2026!`), nor one repeated (`azertyazerty`);
- made of one short pattern repeated (`abababababab`, `111111111111`);
- the account's e-mail address or its name part (`jeanne.martin@…` → `jeanne.martin`, `jeanne.martin2026`).
Every problem is reported at once.
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from functools import cache
from pathlib import Path

from flask_babel import gettext as _

MIN_LENGTH = 12
MAX_LENGTH = 128
COMMON_PASSWORDS = Path(__file__).parent / "data" / "common-passwords.txt.gz"
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


def _repeated_unit(text: str) -> str | None:
    """`abcabcabcabc` → `abc`: the shorter piece the text repeats, if it is one."""
    for size in range(1, len(text) // 2 + 1):
        if len(text) % size == 0 and text == text[:size] * (len(text) // size):
            return text[:size]
    return None


def _variants(text: str) -> set[str]:
    """The text, without digits and symbols at its ends, and the piece it repeats."""
    variants = {text, _EDGES.sub("", text)}
    variants |= {unit for unit in map(_repeated_unit, list(variants)) if unit}
    return variants


def password_problems(password: str | None, email: str | None = None) -> list[str]:
    """Why this password is refused for this account; an empty list when it is accepted."""
    password = password or ""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_("The password must have at least %(n)s characters", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        problems.append(_("The password must have at most %(n)s characters", n=MAX_LENGTH))
    text = _normal(password)
    variants = _variants(text)
    if any(len(variant) >= 4 and variant in common_passwords() for variant in variants):
        problems.append(_("This password is among the most common ones: choose another, a short sentence for "
                          "instance"))
    elif len(text) >= MIN_LENGTH and (_repeated_unit(text) or len(set(text)) < 4):
        problems.append(_("This password repeats the same few characters: choose another"))
    if email and text:
        address = _normal(email)
        if variants & {address, address.split("@", 1)[0]}:
            problems.append(_("The password must not be your e-mail address or its name part"))
    return problems
