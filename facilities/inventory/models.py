"""Sites, buildings, floors and spaces: the building inventory."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from facilities.database import Versioned, VersionedChild
from facilities.extensions import db
from facilities.inventory.catalogue import PUBLISHED_FIGURE_LABELS
from facilities.inventory.rules import PUBLISHED_FIGURE_RULES
from facilities.textsearch import searchable
from facilities.timeutil import utcnow

AREA = Numeric(12, 2)


class ProvenanceMixin:
    """Where the figures of a site or building come from: a source document and its date, or illustrative."""

    provenance_source: Mapped[str | None] = mapped_column(String(300))
    provenance_date: Mapped[date | None] = mapped_column(Date)
    illustrative: Mapped[bool] = mapped_column(default=False)
    provenance_note: Mapped[str | None] = mapped_column(Text)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


#: The tile levels of the sites' stored map tiles (columns map_tile_<level>): each zoom groups a viewport's sites
#: per tile of the nearest level at most two finer than its cells (facilities/maps/viewport.py).
MAP_TILE_LEVELS = (4, 7, 10, 13, 16)


class Site(Versioned, ProvenanceMixin, TimestampMixin, db.Model):
    __tablename__ = "sites"
    # Audit trail (facilities/trail/recorder.py): a site's services read as one list, its `services` field.
    __audited__ = True
    __audit_collections__ = {"services": ("service_links", "service_code")}
    __table_args__ = (
        Index("ix_sites_commune_code", "commune_code"),
        # The communes menu's loose index scan (services.commune_choices) and the viewport's box.
        Index("ix_sites_commune_code_name", "commune_code", "commune_name"),
        # The map zoomed in: a viewport's sites from their point (facilities/maps/viewport.py), and its box.
        Index("ix_sites_location_kind_status", "latitude", "longitude", "kind", "status"),
        Index("ix_sites_status", "status"),
        Index("ix_sites_name", "name"),
        # The state of every site in one indexed read (maps.services.sites_version: the newest save).
        Index("ix_sites_updated_at", "updated_at"),
        # The map's "not located" count: a latitude without a longitude, found without reading every located site.
        Index("ix_sites_longitude", "longitude"),
        # The map at low zoom: a viewport's sites per tile and kind, read in index order (no sort of every site).
        *(Index(f"ix_sites_map_tile_{level}", f"map_tile_{level}", "kind", "status", "energy_dpe_class", "latitude",
                "longitude") for level in MAP_TILE_LEVELS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    address: Mapped[str | None] = mapped_column(String(300))
    postcode: Mapped[str | None] = mapped_column(String(10))
    commune_code: Mapped[str | None] = mapped_column(String(5))
    commune_name: Mapped[str | None] = mapped_column(String(120))
    # [{"code": "92004", "name": "Asnières-sur-Seine"}, ...]: a short list read with the site, never queried.
    communes_served: Mapped[list] = mapped_column(JSON, default=list)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    location_precision: Mapped[str | None] = mapped_column(String(16))
    # INSEE code of the commune polygon the point lies in (None: not located, outside, no boundaries): derived
    # data of the maps area, which fills it (facilities/maps/services.py) so the choropleth is a GROUP BY.
    location_commune_code: Mapped[str | None] = mapped_column(String(20), index=True)
    # The Web Mercator tile of the point at each of MAP_TILE_LEVELS (gis.tiles keys; None: not located): derived
    # data of the maps area too, which fills them, so that a viewport groups 100,000 sites from an index.
    map_tile_4: Mapped[int | None] = mapped_column(BigInteger)
    map_tile_7: Mapped[int | None] = mapped_column(BigInteger)
    map_tile_10: Mapped[int | None] = mapped_column(BigInteger)
    map_tile_13: Mapped[int | None] = mapped_column(BigInteger)
    map_tile_16: Mapped[int | None] = mapped_column(BigInteger)
    # The worst DPE letter of the site's buildings in the stored energy standings (None: none has one): derived data
    # of the energy area, written with the standings, so that the map's DPE colouring reads it from the tile indexes.
    energy_dpe_class: Mapped[str | None] = mapped_column(String(1))
    opened_on: Mapped[date | None] = mapped_column(Date)
    opening_hours: Mapped[str | None] = mapped_column(String(300))
    transport_access: Mapped[str | None] = mapped_column(String(300))
    synthetic: Mapped[bool] = mapped_column(default=False, index=True)

    buildings: Mapped[list[Building]] = relationship(
        back_populates="site", cascade="all, delete-orphan", order_by="Building.code"
    )
    service_links: Mapped[list[SiteService]] = relationship(
        back_populates="site", cascade="all, delete-orphan", order_by="SiteService.service_code"
    )

    def __repr__(self) -> str:
        return f"<Site {self.code}>"

    @property
    def service_codes(self) -> list[str]:
        return [link.service_code for link in self.service_links]

    @property
    def is_located(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class SiteService(VersionedChild, db.Model):
    __tablename__ = "site_services"
    __version_parent__ = "site"

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True)
    service_code: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)

    site: Mapped[Site] = relationship(back_populates="service_links")

    def __repr__(self) -> str:
        return f"<SiteService {self.site_id} {self.service_code}>"


class Building(Versioned, ProvenanceMixin, TimestampMixin, db.Model):
    __tablename__ = "buildings"
    __audited__ = True
    __audit_building__ = "id"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    year_built: Mapped[int | None]
    gross_floor_area_m2: Mapped[Decimal | None] = mapped_column(AREA)
    # ERP data (facilities.inventory.erp derives the category from them; an override needs its reason).
    erp_types: Mapped[list] = mapped_column(JSON, default=list)
    public_capacity: Mapped[int | None]
    staff_capacity: Mapped[int | None]
    with_accommodation: Mapped[bool] = mapped_column(default=False)
    erp_category_override: Mapped[int | None]
    erp_category_override_reason: Mapped[str | None] = mapped_column(Text)
    # Areas by use (Décret tertiaire): the tertiary floor area and the housing in the same building, and the
    # activity of the tertiary part (inventory.catalogue.ACTIVITY_CATEGORY_LABELS).
    tertiary_area_m2: Mapped[Decimal | None] = mapped_column(AREA)
    housing_area_m2: Mapped[Decimal | None] = mapped_column(AREA)
    activity_category: Mapped[str | None] = mapped_column(String(32))
    # Acquisition and fit-out cost, in euro cents.
    cost_cents: Mapped[int | None] = mapped_column(BigInteger)
    opened_on: Mapped[date | None] = mapped_column(Date)

    site: Mapped[Site] = relationship(back_populates="buildings")
    floors: Mapped[list[Floor]] = relationship(
        back_populates="building", cascade="all, delete-orphan", order_by="Floor.level"
    )
    published_figures: Mapped[list[PublishedFigure]] = relationship(
        back_populates="building", cascade="all, delete-orphan", order_by="PublishedFigure.id"
    )

    def __repr__(self) -> str:
        return f"<Building {self.code}>"

    @property
    def effective_tertiary_area_m2(self) -> Decimal | None:
        """The tertiary floor area: as recorded, else the gross floor area less the housing (None: unknown)."""
        from facilities.inventory.rules import tertiary_area_m2

        return tertiary_area_m2(self.gross_floor_area_m2, self.tertiary_area_m2, self.housing_area_m2)

    @property
    def effective_opened_on(self) -> date | None:
        return self.opened_on or (self.site.opened_on if self.site else None)


class Floor(Versioned, TimestampMixin, db.Model):
    __tablename__ = "floors"
    __audited__ = True
    __table_args__ = (UniqueConstraint("building_id", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id", ondelete="CASCADE"), index=True)
    level: Mapped[int]
    name: Mapped[str] = mapped_column(String(120))
    area_m2: Mapped[Decimal | None] = mapped_column(AREA)
    is_public: Mapped[bool] = mapped_column(default=False)

    building: Mapped[Building] = relationship(back_populates="floors")
    spaces: Mapped[list[Space]] = relationship(
        back_populates="floor", cascade="all, delete-orphan", order_by="Space.code"
    )

    def __repr__(self) -> str:
        return f"<Floor {self.building_id} level {self.level}>"

    @staticmethod
    def __audit_label__(values) -> str:
        """A floor in the audit trail: its level and name."""
        return f"{values.get('level')} ({values.get('name')})"


class Space(Versioned, TimestampMixin, db.Model):
    __tablename__ = "spaces"
    __audited__ = True
    __audit_building__ = "floor.building_id"
    __table_args__ = (UniqueConstraint("floor_id", "code"), Index("ix_spaces_floor_id_space_type", "floor_id", "space_type"))

    id: Mapped[int] = mapped_column(primary_key=True)
    floor_id: Mapped[int] = mapped_column(ForeignKey("floors.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    space_type: Mapped[str] = mapped_column(String(32))
    area_m2: Mapped[Decimal] = mapped_column(AREA)
    is_public: Mapped[bool] = mapped_column(default=False)
    step_free: Mapped[bool] = mapped_column(default=True)
    workstations: Mapped[int] = mapped_column(default=0)
    pcs: Mapped[int] = mapped_column(default=0)
    specialty: Mapped[str | None] = mapped_column(String(40))
    equipment: Mapped[str | None] = mapped_column(Text)

    floor: Mapped[Floor] = relationship(back_populates="spaces")

    def __repr__(self) -> str:
        return f"<Space {self.code}>"


class PublishedFigure(Versioned, TimestampMixin, db.Model):
    """A figure a source document publishes about a building ("7 niveaux, 10 bureaux"): which figure (a code of
    catalogue.PUBLISHED_FIGURE_LABELS), its value, the document, its date and address; compared with the inventory
    by facilities/inventory/published.py. One value per figure and building."""

    __tablename__ = "published_figures"
    __audited__ = True
    __audit_entity_label__ = _l("published figure")
    __audit_code_labels__ = {"figure": PUBLISHED_FIGURE_LABELS}
    __audit_field_labels__ = {rule.name: rule.label for rule in PUBLISHED_FIGURE_RULES}
    __table_args__ = (UniqueConstraint("building_id", "figure"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id", ondelete="CASCADE"), index=True)
    figure: Mapped[str] = mapped_column(String(32))
    value: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    source: Mapped[str] = mapped_column(String(300))
    published_on: Mapped[date | None] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(String(500))  # the document's address or reference
    note: Mapped[str | None] = mapped_column(Text)

    building: Mapped[Building] = relationship(back_populates="published_figures")

    @property
    def name(self) -> str:
        """The figure as people read it ("Levels"), e.g. in a deletion's confirmation."""
        return str(PUBLISHED_FIGURE_LABELS.get(self.figure, self.figure))

    def __repr__(self) -> str:
        return f"<PublishedFigure {self.building_id} {self.figure}={self.value}>"

    @staticmethod
    def __audit_label__(values) -> str:
        """A published figure in the audit trail: its value and source (no code, which the history shows raw)."""
        return f"{values.get('value')} · {values.get('source')}"[:200]


# Codes are compared without regard to case (forms, API, imports). The services check first; these indexes make
# the database refuse the second of two codes differing only by case that concurrent requests both checked.
Index("ux_sites_code_lower", func.lower(Site.code), unique=True)
Index("ux_buildings_code_lower", func.lower(Building.code), unique=True)
Index("ux_spaces_floor_id_code_lower", Space.floor_id, func.lower(Space.code), unique=True)

# Searched by index, accent- and case-insensitive (facilities/textsearch.py): the search page and the site list.
searchable(Site.__table__, "code", "name", "commune_name")
searchable(Building.__table__, "code", "name")
searchable(Space.__table__, "code", "name")
