"""Equipment condition on the scale capital renewal reads: 1 (as new) to 5 (to replace), as in condition surveys
(NEN 2767's 1 excellent … 6 very poor) and in issue 19 ("earlier when its condition is 4–5"); it was 1 (to replace)
to 5 (as new). Every stored condition is turned round (c -> 6 - c); the same step turns it back.

Revision ID: f2a4c6e8b013
Revises: e1c3a5b7d902
Create Date: 2026-11-30 12:00:00
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f2a4c6e8b013'
down_revision = 'e1c3a5b7d902'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE equipment SET condition = 6 - condition WHERE condition IS NOT NULL")


def downgrade():
    op.execute("UPDATE equipment SET condition = 6 - condition WHERE condition IS NOT NULL")
