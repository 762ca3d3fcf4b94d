"""Each site's commune from its point (sites.location_commune_code, indexed), filled here for the existing sites
from the loaded boundaries, so that the commune choropleth is a GROUP BY instead of locating every site

Revision ID: e1c3a5b7d902
Revises: a6d2e8f4c1b9
Create Date: 2026-11-30 12:00:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e1c3a5b7d902'
down_revision = 'a6d2e8f4c1b9'
branch_labels = None
depends_on = None

CHUNK = 20_000


def upgrade():
    op.add_column("sites", sa.Column("location_commune_code", sa.String(20), nullable=True))
    op.create_index("ix_sites_location_commune_code", "sites", ["location_commune_code"])
    _fill()


def _fill():
    """Locate the existing sites in the latest imported boundaries (none loaded: nothing to fill)."""
    import geopandas as gpd
    import shapely

    from gis import WGS84
    from gis.analysis import locate_communes

    connection = op.get_bind()
    latest = connection.execute(sa.text("SELECT max(id) FROM boundary_imports")).scalar()
    if latest is None:
        return
    rows = connection.execute(sa.text("SELECT code, name, geometry_wkb FROM boundaries WHERE import_id = :id "
                                      "ORDER BY code"), {"id": latest}).all()
    if not rows:
        return
    communes = gpd.GeoDataFrame({"code": [r[0] for r in rows], "name": [r[1] for r in rows]},
                                geometry=shapely.from_wkb([bytes(r[2]) for r in rows]), crs=WGS84)
    last_id = 0
    while True:
        sites = connection.execute(sa.text(
            "SELECT id, latitude, longitude FROM sites WHERE id > :last AND latitude IS NOT NULL "
            "AND longitude IS NOT NULL ORDER BY id LIMIT :n"), {"last": last_id, "n": CHUNK}).all()
        if not sites:
            break
        last_id = sites[-1][0]
        points = gpd.GeoSeries(gpd.points_from_xy([s[2] for s in sites], [s[1] for s in sites]), crs=WGS84)
        by_code: dict[str, list[int]] = {}
        for site, code in zip(sites, locate_communes(points, communes), strict=True):
            if code is not None:
                by_code.setdefault(code, []).append(site[0])
        for code, ids in by_code.items():
            connection.execute(sa.text("UPDATE sites SET location_commune_code = :code WHERE id IN :ids")
                               .bindparams(sa.bindparam("ids", expanding=True)), {"code": code, "ids": ids})


def downgrade():
    op.drop_index("ix_sites_location_commune_code", table_name="sites")
    op.drop_column("sites", "location_commune_code")
