"""Emission factors: the generic row of district cooling (a network not listed by the DPE arrêté takes coal's
0.385, as district heating), so that a building on an unnamed cooling network gets its GHG figures

Added to a database whose emission factors are already seeded and that has no generic district-cooling row.

Revision ID: c6e8a0b2d4f7
Revises: d4a8b6c2e917
Create Date: 2026-11-30 08:45:00

"""
from datetime import date

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c6e8a0b2d4f7'
down_revision = 'd4a8b6c2e917'
branch_labels = None
depends_on = None

SOURCE = ("Arrêté du 15 septembre 2006, annexe 7 (contenus CO2 des réseaux): a cooling network not listed takes the "
          "least favourable content, coal's 0.385 (secondary) per Cerema, DPE des réseaux de chaleur et de froid; each "
          "listed network has its own value")
factors = sa.table("emission_factors", sa.column("carrier", sa.String()), sa.column("kg_co2e_per_kwh", sa.Numeric()),
                   sa.column("network", sa.String()), sa.column("valid_from", sa.Date()),
                   sa.column("valid_to", sa.Date()), sa.column("source", sa.String()), sa.column("version", sa.Integer()))


def upgrade():
    connection = op.get_bind()
    seeded = connection.execute(sa.text("SELECT count(*) FROM emission_factors")).scalar()
    has_generic = connection.execute(sa.text(
        "SELECT count(*) FROM emission_factors WHERE carrier = 'district_cooling' AND network IS NULL")).scalar()
    if seeded and not has_generic:
        op.execute(factors.insert().values(carrier="district_cooling", kg_co2e_per_kwh=0.385, network=None,
                                           valid_from=date(2000, 1, 1), valid_to=None, source=SOURCE, version=1))


def downgrade():
    op.execute(factors.delete().where(factors.c.carrier == "district_cooling", factors.c.network.is_(None),
                                      factors.c.source == SOURCE))
