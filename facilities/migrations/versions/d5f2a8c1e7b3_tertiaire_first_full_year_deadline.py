"""Décret tertiaire rule: the date until which a 'first full year' reference stays provisional

Since 2024 (arrêté of 10 April 2020 art. 3 as amended), a building with no year in the 2010–2022 window takes
as its reference the first full year of operation reported, definitive if nothing else is declared by
30 September 2027. The date is a column of the dated rule; the rule row in force since 2024 (window ending in
2022) gets it, and its source is updated where it is still the seed's text.

Revision ID: d5f2a8c1e7b3
Revises: c4e1a7d93b20
Create Date: 2026-11-30 05:20:00

"""
from datetime import date

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd5f2a8c1e7b3'
down_revision = 'c4e1a7d93b20'
branch_labels = None
depends_on = None

OLD_SOURCE = "CCH R174-22 and following: subject from 1,000 m²; reference year 2010–2022 since 2024"
NEW_SOURCE = (
    "CCH R174-22 and following: subject from 1,000 m²; reference year 2010–2022 since 2024; "
    "arrêté du 10 avril 2020 art. 3 as amended in 2024: without a reference declared by 30 September 2027, "
    "the first full year of operation reported on OPERAT"
)

rules = sa.table(
    "tertiaire_rules",
    sa.column("valid_from", sa.Date()), sa.column("reference_last_year", sa.Integer()),
    sa.column("source", sa.String(300)), sa.column("first_full_year_deadline", sa.Date()),
)


def upgrade():
    with op.batch_alter_table("tertiaire_rules") as batch:
        batch.add_column(sa.Column("first_full_year_deadline", sa.Date(), nullable=True))
    since_2024 = sa.and_(rules.c.valid_from >= date(2024, 1, 1), rules.c.reference_last_year == 2022)
    op.execute(rules.update().where(since_2024).values(first_full_year_deadline=date(2027, 9, 30)))
    op.execute(rules.update().where(since_2024, rules.c.source == OLD_SOURCE).values(source=NEW_SOURCE))


def downgrade():
    op.execute(rules.update().where(rules.c.source == NEW_SOURCE).values(source=OLD_SOURCE))
    with op.batch_alter_table("tertiaire_rules") as batch:
        batch.drop_column("first_full_year_deadline")
