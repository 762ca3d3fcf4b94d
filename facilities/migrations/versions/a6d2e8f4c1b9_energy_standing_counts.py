"""Energy: the stored standings counted by class, status and subject, for the dashboard (filled from the standings)

Revision ID: a6d2e8f4c1b9
Revises: d4a8c6e2b195
Create Date: 2026-11-30 11:35:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a6d2e8f4c1b9'
down_revision = 'd4a8c6e2b195'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'energy_standing_counts',
        sa.Column('dpe_class', sa.String(length=1), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('subject', sa.Boolean(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('computed_on', sa.Date(), nullable=False),
        sa.Column('valid_until', sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint('dpe_class', 'status', 'subject', name=op.f('pk_energy_standing_counts')),
    )
    op.execute("INSERT INTO energy_standing_counts (dpe_class, status, subject, count, computed_on, valid_until) "
               "SELECT COALESCE(dpe_class, ''), COALESCE(status, ''), subject, COUNT(*), MAX(computed_on), "
               "MIN(valid_until) FROM energy_standings GROUP BY COALESCE(dpe_class, ''), COALESCE(status, ''), subject")


def downgrade():
    op.drop_table('energy_standing_counts')
