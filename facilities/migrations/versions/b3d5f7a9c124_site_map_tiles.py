"""Each site's Web Mercator tile at levels 4, 7, 10, 13 and 16 (sites.map_tile_<level>) and the worst DPE letter of
its stored energy standings (sites.energy_dpe_class), each tile indexed with the kind, status, letter and point,
filled here for the existing sites, so that the map groups a low-zoom viewport of 100,000 sites per tile from an
index instead of reading and sorting every site; and the standings indexed by site and letter

Revision ID: b3d5f7a9c124
Revises: a7c1e3f5b902
Create Date: 2026-11-30 18:00:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b3d5f7a9c124'
down_revision = 'a7c1e3f5b902'
branch_labels = None
depends_on = None

LEVELS = (4, 7, 10, 13, 16)
CHUNK = 5_000


def upgrade():
    for level in LEVELS:
        op.add_column("sites", sa.Column(f"map_tile_{level}", sa.BigInteger(), nullable=True))
    op.add_column("sites", sa.Column("energy_dpe_class", sa.String(1), nullable=True))
    op.create_index("ix_energy_standings_site_id_dpe_class", "energy_standings", ["site_id", "dpe_class"])
    op.drop_index("ix_energy_standings_site_id", table_name="energy_standings")
    _fill()
    op.execute("UPDATE sites SET energy_dpe_class = (SELECT max(dpe_class) FROM energy_standings "
               "WHERE energy_standings.site_id = sites.id AND dpe_class IS NOT NULL)")
    for level in LEVELS:
        op.create_index(f"ix_sites_map_tile_{level}", "sites",
                        [f"map_tile_{level}", "kind", "status", "energy_dpe_class", "latitude", "longitude"])


def _fill():
    """The tiles of every located site, a chunk of sites at a time (one UPDATE per site: keys differ)."""
    from gis.tiles import tile_key

    connection = op.get_bind()
    columns = ", ".join(f"map_tile_{level} = :t{level}" for level in LEVELS)
    update = sa.text(f"UPDATE sites SET {columns} WHERE id = :id")
    last_id = 0
    while True:
        sites = connection.execute(sa.text(
            "SELECT id, latitude, longitude FROM sites WHERE id > :last AND latitude IS NOT NULL "
            "AND longitude IS NOT NULL ORDER BY id LIMIT :n"), {"last": last_id, "n": CHUNK}).all()
        if not sites:
            break
        last_id = sites[-1][0]
        connection.execute(update, [{"id": site_id, **{f"t{level}": tile_key(lat, lon, level) for level in LEVELS}}
                                    for site_id, lat, lon in sites])


def downgrade():
    op.create_index("ix_energy_standings_site_id", "energy_standings", ["site_id"])
    op.drop_index("ix_energy_standings_site_id_dpe_class", table_name="energy_standings")
    for level in LEVELS:
        op.drop_index(f"ix_sites_map_tile_{level}", table_name="sites")
    op.drop_column("sites", "energy_dpe_class")
    for level in reversed(LEVELS):
        op.drop_column("sites", f"map_tile_{level}")
