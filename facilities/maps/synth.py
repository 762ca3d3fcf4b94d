"""`flask demo synth` and `flask demo remove-synth`: reproducible synthetic sites for scale tests, in bulk, in the
loaded communes (or a bounding box when none), each building with a floor area and yearly energy consumption
(facilities/energy/synth.py) so that the choropleth, the filters and the energy dashboard have data to show.

The commands are added to the `demo` group by facilities/demo/cli.py (`demo_cli.add_command(...)`).
"""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import delete, insert, select

from facilities.database import analyze_tables
from facilities.energy import synth as energy_synth
from facilities.energy.models import EnergyConsumption, EnergyStanding
from facilities.extensions import db
from facilities.inventory.catalogue import SpaceType
from facilities.inventory.floor_copy import default_floor_name
from facilities.inventory.models import Building, Floor, Site, SiteService, Space
from facilities.maps import services
from facilities.timeutil import utcnow
from gis.synth import synthetic_sites

SPACES_PER_FLOOR = 16
# A floor plan repeated on every floor: 16 spaces, about 50 per site of three floors.
FLOOR_PLAN: tuple[tuple[str, str, int], ...] = (
    (SpaceType.RECEPTION, "12.50", 1),
    (SpaceType.WAITING_AREA, "20.00", 0),
    *((SpaceType.INTERVIEW_OFFICE, "11.00", 1),) * 4,
    *((SpaceType.OFFICE, "14.00", 2),) * 5,
    (SpaceType.MEETING_ROOM, "25.00", 0),
    (SpaceType.SANITARY, "6.00", 0),
    (SpaceType.STORAGE, "5.00", 0),
    (SpaceType.CIRCULATION, "30.00", 0),
    (SpaceType.TECHNICAL, "4.00", 0),
)
assert len(FLOOR_PLAN) == SPACES_PER_FLOOR
# Gross floor area of a floor: its spaces (216.5 m²) and the walls, about 15 % more.
FLOOR_GROSS_M2 = Decimal("249.00")
CHUNK = 20_000


def site_code(seed: int, number: int) -> str:
    return f"SYN{seed}-{number:05d}"


def _insert(model, rows: list[dict[str, Any]]) -> None:
    """Core executemany in chunks: no ORM object, no per-row round trip."""
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(model), rows[start:start + CHUNK])


def _ids(query) -> dict:
    return {key: value for key, value in db.session.execute(query)}


def add_synthetic_sites(count: int, seed: int, *, buildings: bool = True) -> dict[str, int]:
    """Insert `count` synthetic sites (Site.synthetic) with a building, floors and spaces each (only the sites and
    their services with buildings=False: what a map needs, in a fraction of the time); flush only."""
    communes = services.boundaries_gdf()
    records = synthetic_sites(count, seed, communes_gdf=communes)
    codes = [site_code(seed, r["id"]) for r in records]
    taken = db.session.scalar(select(Site.code).where(Site.code.in_(codes[:1] + codes[-1:])).limit(1))
    if taken:
        raise click.ClickException(
            f"Synthetic sites of seed {seed} are already loaded (e.g. {taken}); run 'flask demo remove-synth' first "
            "or choose another seed.")
    names = dict(zip(communes["code"], communes["name"], strict=True)) if communes is not None else {}
    located = services.locate_points([r["latitude"] for r in records], [r["longitude"] for r in records],
                                     communes)
    now = utcnow()
    stamps = {"created_at": now, "updated_at": now}
    _insert(Site, [
        {"code": code, "name": r["name"], "kind": r["kind"], "status": r["status"], "address": r["address"],
         "commune_code": r["commune_code"], "commune_name": r["commune_name"], "latitude": r["latitude"],
         "longitude": r["longitude"], "location_precision": "address", "location_commune_code": located_in, "synthetic": True,
         "illustrative": True, **services.map_tiles(r["latitude"], r["longitude"]),
         "communes_served": [{"code": c, "name": names.get(c, c)} for c in r["communes_served"]], **stamps}
        for code, r, located_in in zip(codes, records, located, strict=True)
    ])
    site_ids = _ids(select(Site.code, Site.id).where(Site.synthetic.is_(True), Site.code.like(f"SYN{seed}-%")))
    _insert(SiteService, [{"site_id": site_ids[code], "service_code": service}
                          for code, r in zip(codes, records, strict=True) for service in r["services"]])
    if not buildings:
        db.session.flush()
        return {"sites": len(records), "buildings": 0, "floors": 0, "spaces": 0}
    _insert(Building, [
        {"site_id": site_ids[code], "code": f"{code}-B1", "name": f"Bâtiment {r['name']}", "illustrative": True,
         "gross_floor_area_m2": FLOOR_GROSS_M2 * r["floors"], **stamps}
        for code, r in zip(codes, records, strict=True)
    ])
    building_ids = _ids(select(Building.site_id, Building.id).where(Building.site_id.in_(
        select(Site.id).where(Site.code.like(f"SYN{seed}-%")))))
    consumptions = energy_synth.add_synthetic_consumption(
        [(building_ids[site_ids[code]], FLOOR_GROSS_M2 * r["floors"]) for code, r in zip(codes, records, strict=True)],
        seed)
    floor_names = {level: default_floor_name(level) for level in range(10)}
    _insert(Floor, [
        {"building_id": building_ids[site_ids[code]], "level": level, "name": floor_names[level],
         "is_public": level == 0, **stamps}
        for code, r in zip(codes, records, strict=True) for level in range(r["floors"])
    ])
    floors = db.session.execute(
        select(Floor.id, Floor.level, Building.site_id).join(Building, Floor.building_id == Building.id)
        .where(Building.site_id.in_(select(Site.id).where(Site.code.like(f"SYN{seed}-%"))))
    ).all()
    offers_pmi = {site_ids[code] for code, r in zip(codes, records, strict=True) if "pmi" in r["services"]}
    areas = {plan[1]: Decimal(plan[1]) for plan in FLOOR_PLAN}
    spaces: list[dict[str, Any]] = []
    for floor_id, level, site_id in floors:
        for number, (space_type, area, stations) in enumerate(FLOOR_PLAN):
            if number == 2 and level == 0 and site_id in offers_pmi:
                space_type, stations = SpaceType.MEDICAL_CABINET, 0  # PMI sites consult on the ground floor
            spaces.append({
                "floor_id": floor_id, "code": f"{level}.{number:02d}", "name": f"{space_type} {level}.{number:02d}",
                "space_type": str(space_type), "area_m2": areas[area], "is_public": level == 0 and number < 4,
                "step_free": True, "workstations": stations, "pcs": stations,
                "specialty": "pmi" if space_type == SpaceType.MEDICAL_CABINET else None, **stamps,
            })
        if len(spaces) >= CHUNK:
            _insert(Space, spaces)
            spaces = []
    _insert(Space, spaces)
    db.session.flush()
    return {"sites": len(records), "buildings": len(building_ids), "floors": len(floors),
            "spaces": len(floors) * SPACES_PER_FLOOR, "consumptions": consumptions}


def remove_synthetic_sites() -> dict[str, int]:
    """Delete every synthetic site with its services, buildings, floors, spaces and energy records; flush only."""
    sites = select(Site.id).where(Site.synthetic.is_(True))
    buildings = select(Building.id).where(Building.site_id.in_(sites))
    floors = select(Floor.id).where(Floor.building_id.in_(buildings))
    removed = {"consumptions": energy_synth.remove_energy_data(buildings)}
    removed["spaces"] = db.session.execute(delete(Space).where(Space.floor_id.in_(floors))).rowcount
    removed["floors"] = db.session.execute(delete(Floor).where(Floor.id.in_(floors))).rowcount
    removed["buildings"] = db.session.execute(delete(Building).where(Building.id.in_(buildings))).rowcount
    db.session.execute(delete(SiteService).where(SiteService.site_id.in_(sites)))
    removed["sites"] = db.session.execute(delete(Site).where(Site.synthetic.is_(True))).rowcount
    db.session.flush()
    return removed


def analyze_loaded_tables() -> None:
    """PostgreSQL: fresh planner statistics for the tables the load filled (facilities.database.analyze_tables)."""
    analyze_tables(Site.__tablename__, SiteService.__tablename__, Building.__tablename__, Floor.__tablename__,
                   Space.__tablename__, EnergyConsumption.__tablename__, EnergyStanding.__tablename__)


@click.command("synth")
@click.option("--sites", "count", type=click.IntRange(1, 100_000), required=True, help="How many sites to add.")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same sites.")
@with_appcontext
def synth_command(count: int, seed: int) -> None:
    """Add N reproducible synthetic sites, spread over the loaded communes (or a bounding box when none)."""
    started = time.perf_counter()
    created = add_synthetic_sites(count, seed)
    analyze_loaded_tables()
    summary = ", ".join(f"{n} {kind}" for kind, n in created.items())
    click.echo(f"Added synthetic data ({summary}) in {time.perf_counter() - started:.1f} s.")


@click.command("remove-synth")
@with_appcontext
def remove_synth_command() -> None:
    """Delete every synthetic site with its buildings, floors, spaces and energy records."""
    removed = remove_synthetic_sites()
    click.echo("Removed synthetic data (" + ", ".join(f"{n} {kind}" for kind, n in removed.items()) + ").")
