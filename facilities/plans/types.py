"""Which space type an imported space is, from the texts the file gives it (long name, name, classification):
the users' mapping first, then the shipped defaults; a space no text maps is listed as unmapped."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

from facilities.inventory.catalogue import SPACE_TYPE_LABELS, SpaceType

# Words French architects write in room names, to the inventory's types (the users' mapping comes first).
DEFAULT_MAPPING: tuple[tuple[str, str], ...] = (
    ("entretien", SpaceType.INTERVIEW_OFFICE),
    ("cabinet medical", SpaceType.MEDICAL_CABINET),
    ("consultation", SpaceType.MEDICAL_CABINET),
    ("espace numerique", SpaceType.DIGITAL_SPACE),
    ("numerique", SpaceType.DIGITAL_SPACE),
    ("mediation", SpaceType.MEDIATION_SPACE),
    ("reunion", SpaceType.MEETING_ROOM),
    ("accueil", SpaceType.RECEPTION),
    ("attente", SpaceType.WAITING_AREA),
    ("sanitaire", SpaceType.SANITARY),
    ("wc", SpaceType.SANITARY),
    ("local technique", SpaceType.TECHNICAL),
    ("chaufferie", SpaceType.TECHNICAL),
    ("stockage", SpaceType.STORAGE),
    ("rangement", SpaceType.STORAGE),
    ("archives", SpaceType.STORAGE),
    ("circulation", SpaceType.CIRCULATION),
    ("couloir", SpaceType.CIRCULATION),
    ("degagement", SpaceType.CIRCULATION),
    ("bureau", SpaceType.OFFICE),
)


def folded(text: str) -> str:
    """Lower case without accents or extra spaces: "Bureau d'Entretien" and "bureau d'entretien" read alike."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


def space_type_of(hints: Iterable[str], mapping: Sequence[tuple[str, str]]) -> str | None:
    """The type of the first mapping entry (users' first, then defaults) found in one of the texts, a type code
    or label given as such, or None."""
    texts = [folded(hint) for hint in hints if hint]
    labels = {folded(str(label)): str(code) for code, label in SPACE_TYPE_LABELS.items()}
    for text in texts:
        if text in {str(code) for code in SPACE_TYPE_LABELS} or text in labels:
            return labels.get(text, text)
    for pattern, space_type in [*mapping, *DEFAULT_MAPPING]:
        key = folded(pattern)
        if key and any(key in text for text in texts):
            return str(space_type)
    return None
