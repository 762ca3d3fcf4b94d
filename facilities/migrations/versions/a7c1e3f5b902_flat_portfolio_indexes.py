"""Indexes that keep portfolio pages flat at 100,000 sites: the state of every site read from the newest save
(`maps.services.sites_version`: MAX(updated_at) from an index instead of summing every site's version), and the
buildings that must display their DPE (the energy dashboard read every stored standing to find four), and the sites
with a latitude but no longitude (the map's "not located" count read every located site to find them).

Revision ID: a7c1e3f5b902
Revises: f2a4c6e8b013
Create Date: 2026-11-30 14:00:00
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7c1e3f5b902'
down_revision = 'f2a4c6e8b013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_sites_updated_at", "sites", ["updated_at"])
    op.create_index("ix_sites_longitude", "sites", ["longitude"])
    op.create_index("ix_energy_standings_dpe_display_required", "energy_standings", ["dpe_display_required"])


def downgrade():
    op.drop_index("ix_energy_standings_dpe_display_required", table_name="energy_standings")
    op.drop_index("ix_sites_longitude", table_name="sites")
    op.drop_index("ix_sites_updated_at", table_name="sites")
