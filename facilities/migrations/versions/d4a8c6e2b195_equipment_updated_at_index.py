"""Capital renewal: the register's latest change found by an index (the forecast's cached sums are checked
against it at each reading)

Revision ID: d4a8c6e2b195
Revises: c7d9e1f3a5b2
Create Date: 2026-11-30 11:20:00
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd4a8c6e2b195'
down_revision = 'c7d9e1f3a5b2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_equipment_updated_at', 'equipment', ['updated_at'], unique=False)


def downgrade():
    op.drop_index('ix_equipment_updated_at', table_name='equipment')
