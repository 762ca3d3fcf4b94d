"""Command-line group of the maps area: `flask gis import-boundaries | export | coverage`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from facilities.extensions import db
from facilities.maps import services
from gis.errors import GisError

cli = AppGroup("gis", help="Geographic data: commune boundaries, export of the sites, coverage analysis.")


@cli.command("import-boundaries")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--code-field", required=True, help="Field holding the INSEE code of each area.")
@click.option("--name-field", required=True, help="Field holding the name of each area.")
@click.option("--layer", default=None, help="Layer to read (GeoPackage with several layers).")
def import_boundaries_command(path: str, code_field: str, name_field: str, layer: str | None) -> None:
    """Replace the commune boundaries with those of a GeoJSON, GeoPackage or zipped Shapefile (any CRS)."""
    try:
        record, boundary_set = services.import_boundaries(path, code_field, name_field, layer)
    except GisError as error:
        db.session.rollback()
        raise click.ClickException(f"{error} The previous boundaries are kept.") from error
    click.echo(
        f"Imported {len(boundary_set.gdf)} area(s) from {record.source_name}: {boundary_set.read} feature(s) read, "
        f"{boundary_set.repaired} repaired, {boundary_set.skipped} skipped (source CRS {record.source_crs})."
    )
    for reason, count in boundary_set.skipped_reasons.items():
        click.echo(f"  skipped: {count} {reason}")


@cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False))
def export_command(path: str) -> None:
    """Write the located sites to PATH; the format follows the extension (.geojson, .gpkg, .csv, .shp.zip)."""
    try:
        written, not_located = services.export_sites(path)
    except GisError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Wrote {written} site(s) to {path}.")
    if not_located:
        click.echo(f"{not_located} site(s) without coordinates were left out (not located).")


@cli.command("coverage")
@click.option("--service", required=True, help="Service code, e.g. pmi.")
def coverage_command(service: str) -> None:
    """Per commune, the nearest open site offering SERVICE and the straight-line distance, worst served first."""
    from facilities.inventory.catalogue import SERVICE_LABELS

    if service not in SERVICE_LABELS:
        raise click.BadParameter(f"unknown service '{service}'; use one of: {', '.join(SERVICE_LABELS)}",
                                 param_hint="--service")
    try:
        rows = services.coverage(service)
    except GisError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{'INSEE':<6} {'Commune':<32} {'Distance (km)':>13}  Nearest open site offering {service}")
    for row in rows:
        distance = "—" if row["distance_km"] is None else f"{row['distance_km']:.2f}"
        site = "none" if row["site_code"] is None else f"{row['site_code']} {row['site_name']}"
        click.echo(f"{row['code']:<6} {row['name'][:32]:<32} {distance:>13}  {site}")
