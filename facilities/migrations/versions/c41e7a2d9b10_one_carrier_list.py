"""One carrier list for energy and works: district heating is 'district_heating' in the works' savings too

Revision ID: c41e7a2d9b10
Revises: a2ef6d848476
Create Date: 2026-11-30 04:20:00

The works area called district heating 'heating_network'; the energy records, the reference tables and now
the works share facilities.carriers, where it is 'district_heating'. Rows of the retired code 'other' are
kept as they are (the energy projection shows them as not counted).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c41e7a2d9b10'
down_revision = 'a2ef6d848476'
branch_labels = None
depends_on = None

savings = sa.table("operation_savings", sa.column("carrier", sa.String(32)))


def upgrade():
    op.execute(savings.update().where(savings.c.carrier == "heating_network").values(carrier="district_heating"))


def downgrade():
    op.execute(savings.update().where(savings.c.carrier == "district_heating").values(carrier="heating_network"))
