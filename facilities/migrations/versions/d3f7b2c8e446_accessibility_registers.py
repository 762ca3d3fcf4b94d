"""Safety: the public accessibility register of each ERP, at an unguessable public address

Revision ID: d3f7b2c8e446
Revises: c9e4a1b7d335
Create Date: 2026-11-30 08:40:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd3f7b2c8e446'
down_revision = 'c9e4a1b7d335'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'accessibility_registers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('building_id', sa.Integer(), nullable=False),
        sa.Column('public_token', sa.String(length=64), nullable=False),
        sa.Column('public_name', sa.String(length=200), nullable=False),
        sa.Column('services', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('status_reference', sa.Text(), nullable=True),
        sa.Column('derogations', sa.Text(), nullable=True),
        sa.Column('staff_training', sa.Text(), nullable=True),
        sa.Column('equipment_upkeep', sa.Text(), nullable=True),
        sa.Column('updated_on', sa.Date(), nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(['building_id'], ['buildings.id'],
                                name=op.f('fk_accessibility_registers_building_id_buildings'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_accessibility_registers')),
        sa.UniqueConstraint('building_id', name=op.f('uq_accessibility_registers_building_id')),
        sa.UniqueConstraint('public_token', name=op.f('uq_accessibility_registers_public_token')),
    )


def downgrade():
    op.drop_table('accessibility_registers')
