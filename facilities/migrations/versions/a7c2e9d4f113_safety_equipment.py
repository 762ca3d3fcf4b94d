"""Safety: the technical equipment register

Revision ID: a7c2e9d4f113
Revises: c6e8a0b2d4f7
Create Date: 2026-11-30 07:40:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7c2e9d4f113'
down_revision = 'c6e8a0b2d4f7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'equipment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('building_id', sa.Integer(), nullable=False),
        sa.Column('floor_id', sa.Integer(), nullable=True),
        sa.Column('space_id', sa.Integer(), nullable=True),
        sa.Column('category', sa.String(length=32), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('make', sa.String(length=120), nullable=True),
        sa.Column('model', sa.String(length=120), nullable=True),
        sa.Column('serial_number', sa.String(length=120), nullable=True),
        sa.Column('installed_on', sa.Date(), nullable=True),
        sa.Column('expected_life_years', sa.Integer(), nullable=True),
        sa.Column('replacement_cost_cents', sa.BigInteger(), nullable=True),
        sa.Column('condition', sa.Integer(), nullable=True),
        sa.Column('condition_on', sa.Date(), nullable=True),
        sa.Column('criticality', sa.String(length=16), nullable=True),
        sa.Column('notes', sa.Text(), nullable=True),
        sa.Column('illustrative', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_equipment_building_id_buildings'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['floor_id'], ['floors.id'], name=op.f('fk_equipment_floor_id_floors'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['space_id'], ['spaces.id'], name=op.f('fk_equipment_space_id_spaces'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_equipment')),
    )
    for column in ('building_id', 'floor_id', 'space_id', 'category'):
        op.create_index(op.f(f'ix_equipment_{column}'), 'equipment', [column], unique=False)


def downgrade():
    for column in ('category', 'space_id', 'floor_id', 'building_id'):
        op.drop_index(op.f(f'ix_equipment_{column}'), table_name='equipment')
    op.drop_table('equipment')
