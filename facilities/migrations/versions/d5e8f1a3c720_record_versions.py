"""Versions of the records people edit (optimistic concurrency)

Revision ID: d5e8f1a3c720
Revises: e8b3c6d2f4a1
Create Date: 2026-11-30 06:00:00

Every record with an edit form or a PATCH gets `version` (1 for the existing rows): SQLAlchemy adds
"AND version = <the version read>" to its UPDATE and DELETE statements, so a save based on an older version
fails instead of silently undoing someone else's change, and the API's ETag names the version.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd5e8f1a3c720'
down_revision = 'e8b3c6d2f4a1'
branch_labels = None
depends_on = None

TABLES = ("sites", "buildings", "floors", "spaces", "envelopes", "operations", "energy_consumptions",
          "building_energy_settings", "primary_energy_factors", "emission_factors", "dpe_scales",
          "tertiaire_weights", "tertiaire_targets", "tertiaire_rules")


def upgrade():
    # Plain ALTER TABLE on both databases: a batch "move and copy" on SQLite would lose the expression indexes
    # (e.g. ux_spaces_floor_id_code_lower) that it cannot reflect.
    for table in TABLES:
        op.add_column(table, sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade():
    for table in reversed(TABLES):
        op.execute(f"ALTER TABLE {table} DROP COLUMN version")  # SQLite 3.35 or newer, PostgreSQL
