"""`flask plans import PATH --building CODE [--dry-run] [--layer L] [--unit mm|cm|m] [--level N]`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from facilities.extensions import db
from facilities.inventory import services as inventory
from facilities.inventory.models import Building
from facilities.plans import importer
from facilities.plans.imported import FileRefused
from facilities.plans.rules import DXF_UNITS, clean_import_options
from facilities.trail.recorder import acting_as
from facilities.validation import ValidationError

cli = AppGroup("plans", help="Floor plans: import a building's floors and rooms from an IFC or DXF file.")


def print_preview(preview: importer.Preview) -> None:
    """The preview as text: counts, refusals, changes, area differences, unmapped types."""
    for message in preview.file_errors:
        click.echo(f"Error: {message}", err=True)
    counts = preview.counts
    click.echo(" · ".join(f"{counts[outcome]} {outcome}" for outcome in importer.OUTCOMES))
    for line in preview.lines:
        if line.outcome == importer.UNCHANGED:
            continue
        detail = "; ".join(line.errors) or "; ".join(f"{name}: {old} → {new}"
                                                       for name, (old, new) in line.changes.items())
        click.echo(f"  {line.where}: {line.outcome} {line.entity} {line.key}" + (f" — {detail}" if detail else ""))
    for difference in preview.area_differences:
        click.echo(f"  area differs: level {difference.level} {difference.code}: file {difference.file_m2 or '—'} m², "
                   f"drawn {difference.drawn_m2 or '—'} m², inventory {difference.declared_m2 or '—'} m²")
    for level, code, texts in preview.unmapped:
        click.echo(f"  unmapped type: level {level} {code} ({texts or 'no name'})")
    if preview.georeference:
        g = preview.georeference
        click.echo(f"  georeference: {g.latitude}, {g.longitude}, rotation {g.rotation_deg}°")


@cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--building", "building_code", required=True, help="Code of the building the plans are of.")
@click.option("--dry-run", is_flag=True, help="Only print what would change; write nothing.")
@click.option("--layer", default=None, help="DXF: the layer whose closed polylines are rooms.")
@click.option("--unit", type=click.Choice(DXF_UNITS), default="m", help="DXF: the drawing unit.")
@click.option("--level", default="0", help="DXF: the level of the floor drawn (0: ground floor).")
def import_command(path: Path, building_code: str, dry_run: bool, layer: str | None, unit: str, level: str) -> None:
    """Import floors, rooms and their outlines from an .ifc or .dxf file (all or nothing)."""
    building_id = db.session.scalar(select(Building.id).where(func.lower(Building.code) == building_code.lower()))
    if building_id is None:
        raise click.BadParameter(f"no building with code {building_code}", param_hint="--building")
    try:
        fmt = importer.file_format(path.name)
        options = clean_import_options({"layer": layer, "unit": unit, "level": level})
    except FileRefused as refused:
        raise click.BadParameter(refused.message, param_hint="PATH") from None
    except ValidationError as error:
        raise click.BadParameter("; ".join(error.errors.values())) from None
    building = inventory.load_building(building_id)
    with acting_as(source="import"):
        preview = importer.import_plans(building, path, fmt, apply_it=not dry_run, layer=options["layer"],
                                        unit=options["unit"], level=options["level"])
        print_preview(preview)
        if not preview.ok:
            db.session.rollback()
            click.echo("Nothing was written.", err=True)
            sys.exit(1)
        if dry_run:
            db.session.rollback()
            click.echo("Dry run: nothing was written.")
            return
    click.echo("Plans imported." if preview.changes_anything else "Nothing to change.")
