"""The ERP category of a building, derived from its capacity and its types' thresholds (dated reference tables).

Règlement de sécurité (arrêté du 25 juin 1980) and CCH R143-19: an ERP is in the 5th category when its public
stays below the threshold of its type (public only); otherwise its category follows its whole capacity, public
plus staff: 1 above 1,500, 2 from 701 to 1,500, 3 from 301 to 700, 4 up to 300. Both the type thresholds and the
category bounds change with the texts, so they are rows with valid_from / valid_to and a source, never
constants; a row whose value was not checked against the text is marked `sourced = False`.

A building of several types is judged against the lowest threshold of its types (the most demanding reading,
kept until an administrator confirms the rule of mixed establishments). The floors' own thresholds (basement,
upper floors) of the PE 2 table are not modelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Date, String, select
from sqlalchemy.orm import Mapped, mapped_column

from facilities.extensions import db


class ErpTypeThreshold(db.Model):
    """The public from which an ERP of a type leaves the 5th category (arrêté du 25 juin 1980, PE 2)."""

    __tablename__ = "erp_type_thresholds"

    id: Mapped[int] = mapped_column(primary_key=True)
    erp_type: Mapped[str] = mapped_column(String(3), index=True)
    # None: the row holds with or without accommodation; True/False: only for that case.
    with_accommodation: Mapped[bool | None]
    public_threshold: Mapped[int]
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(300))
    sourced: Mapped[bool] = mapped_column(default=False)  # False: a placeholder to check against the text

    def __repr__(self) -> str:
        return f"<ErpTypeThreshold {self.erp_type} {self.public_threshold} from {self.valid_from}>"


class ErpCategoryScale(db.Model):
    """The capacities (public plus staff) above which an ERP is of category 3, 2 and 1 (CCH R143-19)."""

    __tablename__ = "erp_category_scales"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_1_above: Mapped[int]
    category_2_above: Mapped[int]
    category_3_above: Mapped[int]
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(300))
    sourced: Mapped[bool] = mapped_column(default=False)

    def __repr__(self) -> str:
        return f"<ErpCategoryScale >{self.category_3_above}/{self.category_2_above}/{self.category_1_above}>"


# ---------------------------------------------------------------- the derivation (pure)


@dataclass(frozen=True)
class Threshold:
    id: int | None
    erp_type: str
    with_accommodation: bool | None
    public_threshold: int
    source: str
    sourced: bool


@dataclass(frozen=True)
class Scale:
    id: int | None
    category_1_above: int
    category_2_above: int
    category_3_above: int
    source: str
    sourced: bool


@dataclass(frozen=True)
class Derivation:
    """A derived category, the rows that produced it, or why none could be derived (`missing`)."""

    category: int | None
    threshold: Threshold | None = None
    scale: Scale | None = None
    missing: str | None = None  # "types", "public_capacity", "threshold:<type>", "scale"


def derive_category(types: list[str], public: int | None, staff: int | None, with_accommodation: bool,
                    thresholds: list[Threshold], scale: Scale | None) -> Derivation:
    """The category of an ERP of `types` with that public and staff, from the thresholds and scale in force."""
    if not types:
        return Derivation(None, missing="types")
    if public is None:
        return Derivation(None, missing="public_capacity")
    chosen: Threshold | None = None
    for erp_type in types:
        rows = [row for row in thresholds if row.erp_type == erp_type
                and row.with_accommodation in (None, with_accommodation)]
        # A row for the exact case (with or without accommodation) wins over a row for both.
        rows.sort(key=lambda row: row.with_accommodation is None)
        if not rows:
            return Derivation(None, missing=f"threshold:{erp_type}")
        if chosen is None or rows[0].public_threshold < chosen.public_threshold:
            chosen = rows[0]
    assert chosen is not None
    if public < chosen.public_threshold:
        return Derivation(5, threshold=chosen, scale=scale)
    if scale is None:
        return Derivation(None, threshold=chosen, missing="scale")
    total = public + (staff or 0)
    if total > scale.category_1_above:
        category = 1
    elif total > scale.category_2_above:
        category = 2
    elif total > scale.category_3_above:
        category = 3
    else:
        category = 4
    return Derivation(category, threshold=chosen, scale=scale)


# ---------------------------------------------------------------- reading the tables


@dataclass(frozen=True)
class ErpReference:
    thresholds: list[Threshold]
    scale: Scale | None


def _in_force(model, on: date):
    return select(model).where(model.valid_from <= on, (model.valid_to.is_(None)) | (model.valid_to >= on))


def reference_in_force(on: date | None = None) -> ErpReference:
    """The thresholds and the category scale in force on a day (today by default), in two queries."""
    on = on or date.today()
    thresholds = [Threshold(row.id, row.erp_type, row.with_accommodation, row.public_threshold, row.source,
                            row.sourced)
                  for row in db.session.scalars(_in_force(ErpTypeThreshold, on).order_by(ErpTypeThreshold.id))]
    scale_row = db.session.scalars(_in_force(ErpCategoryScale, on).order_by(ErpCategoryScale.valid_from.desc())).first()
    scale = (Scale(scale_row.id, scale_row.category_1_above, scale_row.category_2_above, scale_row.category_3_above,
                   scale_row.source, scale_row.sourced) if scale_row else None)
    return ErpReference(thresholds, scale)


@dataclass(frozen=True)
class BuildingCategory:
    """What the interface and the API show: the category in force, where it comes from, and its derivation."""

    category: int | None
    source: str | None  # "derived", "override", or None when there is none
    derivation: Derivation


def building_category(building, reference: ErpReference | None = None) -> BuildingCategory:
    """A building's ERP category: its override when one is set, otherwise the category derived today."""
    reference = reference or reference_in_force()
    derivation = derive_category(list(building.erp_types or []), building.public_capacity, building.staff_capacity,
                                 bool(building.with_accommodation), reference.thresholds, reference.scale)
    if building.erp_category_override is not None:
        return BuildingCategory(building.erp_category_override, "override", derivation)
    if derivation.category is not None:
        return BuildingCategory(derivation.category, "derived", derivation)
    return BuildingCategory(None, None, derivation)


# ---------------------------------------------------------------- seed rows

_PE2 = "Arrêté du 25 juin 1980 (règlement de sécurité), art. PE 2 §1, tableau des seuils"
_SECONDARY = f"{_PE2} (secondary source: to check against the text)"
_SINCE = date(1980, 6, 25)

# (type, with accommodation, threshold of public, sourced)
_THRESHOLDS = (
    ("W", None, 200, True), ("L", None, 200, True),
    ("U", False, 100, False), ("U", True, 20, False),
    ("J", False, 100, False), ("J", True, 20, False),
    ("R", False, 200, False), ("R", True, 30, False),
    ("M", None, 200, False), ("N", None, 200, False), ("O", None, 100, False), ("P", None, 120, False),
    ("S", None, 200, False), ("T", None, 200, False), ("V", None, 300, False), ("X", None, 200, False),
    ("Y", None, 200, False), ("PA", None, 300, False), ("CTS", None, 50, False), ("OA", None, 20, False),
)


def seed_rows() -> tuple[list[ErpTypeThreshold], list[ErpCategoryScale]]:
    """The initial reference rows (an administrator corrects them on the reference page)."""
    thresholds = [ErpTypeThreshold(erp_type=erp_type, with_accommodation=accommodation, public_threshold=value,
                                   valid_from=_SINCE, source=_PE2 if sourced else _SECONDARY, sourced=sourced)
                  for erp_type, accommodation, value, sourced in _THRESHOLDS]
    scales = [ErpCategoryScale(category_1_above=1500, category_2_above=700, category_3_above=300,
                               valid_from=date(2021, 7, 1), sourced=True,
                               source="Code de la construction et de l'habitation, art. R143-19 "
                                      "(décret n° 2021-872 du 30 juin 2021; formerly R123-19)")]
    return thresholds, scales


def ensure_seeded() -> int:
    """Insert the seed rows into each empty ERP reference table (a table with rows is left alone); idempotent."""
    inserted = 0
    thresholds, scales = seed_rows()
    for model, rows in ((ErpTypeThreshold, thresholds), (ErpCategoryScale, scales)):
        if db.session.scalar(select(model.id).limit(1)) is None:
            db.session.add_all(rows)
            inserted += len(rows)
    db.session.flush()
    return inserted
