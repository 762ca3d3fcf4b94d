"""DPE classing: a building-year's figures per m² placed on the scales of its scale code."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from facilities.energy.reference import DPE_LETTERS, DpeScale, ScaleMetric


def worst_class(letters: Iterable[str]) -> str:
    """The worst (latest) DPE letter."""
    return max(letters, key=DPE_LETTERS.index)


def classify(
    per_m2: Mapping[ScaleMetric, Decimal | None], scales: Iterable[DpeScale]
) -> tuple[dict[ScaleMetric, str | None], str | None]:
    """The class on each scale (None where the figure is missing) and the label: the worst class among
    the scales in the label (e.g. the residential double threshold), None when one of them is missing."""
    scales = tuple(scales)
    classes: dict[ScaleMetric, str | None] = {}
    for scale in scales:
        value = per_m2[scale.metric]
        classes[scale.metric] = None if value is None else scale.classify(value)
    in_label = [classes[s.metric] for s in scales if s.in_label]
    label = worst_class(in_label) if in_label and None not in in_label else None
    return classes, label
