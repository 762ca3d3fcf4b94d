"""Energy: each building's stored standing (class, trajectory status, gap), the dashboard's cache

Revision ID: e5a9c1d7b3f2
Revises: b8d4e2f6a913
Create Date: 2026-11-30 10:20:00

Empty after the upgrade: until `flask energy standings refresh` (or the refresh job the dashboard queues) fills
it, the dashboard computes the standings as before.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e5a9c1d7b3f2'
down_revision = 'b8d4e2f6a913'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'energy_standings',
        sa.Column('building_id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.Column('latest_year', sa.Integer(), nullable=True),
        sa.Column('dpe_class', sa.String(length=1), nullable=True),
        sa.Column('dpe_years', sa.String(length=40), nullable=True),
        sa.Column('tertiaire_kwh_m2', sa.Float(), nullable=True),
        sa.Column('path_kwh_m2', sa.Float(), nullable=True),
        sa.Column('gap_kwh_m2', sa.Float(), nullable=True),
        sa.Column('gap_ratio', sa.Float(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=True),
        sa.Column('reference_year', sa.Integer(), nullable=True),
        sa.Column('subject', sa.Boolean(), nullable=False),
        sa.Column('dpe_display_required', sa.Boolean(), nullable=True),
        sa.Column('incomplete', sa.Boolean(), nullable=False),
        sa.Column('computed_on', sa.Date(), nullable=False),
        sa.Column('valid_until', sa.Date(), nullable=False),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['building_id'], ['buildings.id'],
                                name=op.f('fk_energy_standings_building_id_buildings'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('building_id', name=op.f('pk_energy_standings')),
    )
    op.create_index(op.f('ix_energy_standings_site_id'), 'energy_standings', ['site_id'])
    op.create_index(op.f('ix_energy_standings_dpe_class'), 'energy_standings', ['dpe_class'])
    op.create_index('ix_energy_standings_status_gap', 'energy_standings', ['status', 'gap_ratio'])


def downgrade():
    op.drop_index('ix_energy_standings_status_gap', table_name='energy_standings')
    op.drop_index(op.f('ix_energy_standings_dpe_class'), table_name='energy_standings')
    op.drop_index(op.f('ix_energy_standings_site_id'), table_name='energy_standings')
    op.drop_table('energy_standings')
