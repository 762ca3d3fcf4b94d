"""Energy: the portfolio's kWh per year and carrier, stored for the dashboard (filled from the consumption records)

Revision ID: f3b7d9e1a5c4
Revises: e4a9c2d7b513
Create Date: 2026-11-30 10:40:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f3b7d9e1a5c4'
down_revision = 'e4a9c2d7b513'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'energy_year_totals',
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('carrier', sa.String(length=32), nullable=False),
        sa.Column('kwh', sa.Numeric(precision=20, scale=2), nullable=False),
        sa.Column('records', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('year', 'carrier', name=op.f('pk_energy_year_totals')),
    )
    op.execute("INSERT INTO energy_year_totals (year, carrier, kwh, records) "
               "SELECT year, carrier, SUM(kwh), COUNT(*) FROM energy_consumptions GROUP BY year, carrier")
    # The furthest off track are read by walking this index backwards (gap_ratio DESC NULLS LAST).
    op.drop_index('ix_energy_standings_status_gap', table_name='energy_standings')
    op.create_index('ix_energy_standings_status_gap', 'energy_standings', ['status', 'gap_ratio', 'gap_kwh_m2'])


def downgrade():
    op.drop_index('ix_energy_standings_status_gap', table_name='energy_standings')
    op.create_index('ix_energy_standings_status_gap', 'energy_standings', ['status', 'gap_ratio'])
    op.drop_table('energy_year_totals')
