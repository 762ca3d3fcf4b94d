"""Heating and cooling networks: an emission factor row per network, and the network a building is on

emission_factors.network: None for the generic row of a carrier, else the name of a district heating or
cooling network whose CO2 content (DPE arrêté, annex of the networks) replaces the generic value for the
buildings on it; building_energy_settings.network: the network a building is on.

Revision ID: e8b3c6d2f4a1
Revises: c8d2e3f4a5b6
Create Date: 2026-11-30 05:45:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e8b3c6d2f4a1'
down_revision = 'c8d2e3f4a5b6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("emission_factors") as batch:
        batch.add_column(sa.Column("network", sa.String(length=100), nullable=True))
    with op.batch_alter_table("building_energy_settings") as batch:
        batch.add_column(sa.Column("network", sa.String(length=100), nullable=True))


def downgrade():
    with op.batch_alter_table("building_energy_settings") as batch:
        batch.drop_column("network")
    op.execute(sa.text("DELETE FROM emission_factors WHERE network IS NOT NULL"))
    with op.batch_alter_table("emission_factors") as batch:
        batch.drop_column("network")
