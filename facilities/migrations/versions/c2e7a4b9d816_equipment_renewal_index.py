"""Capital renewal: the columns the forecast reads of every item of equipment, in one index (read alone)

Revision ID: c2e7a4b9d816
Revises: e5c1a9d2f470
Create Date: 2026-11-30 11:10:00
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c2e7a4b9d816'
down_revision = 'e5c1a9d2f470'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_equipment_renewal', 'equipment', ['category', 'installed_on', 'expected_life_years',
                                                         'condition', 'condition_on', 'replacement_cost_cents',
                                                         'illustrative', 'building_id'], unique=False)


def downgrade():
    op.drop_index('ix_equipment_renewal', table_name='equipment')
