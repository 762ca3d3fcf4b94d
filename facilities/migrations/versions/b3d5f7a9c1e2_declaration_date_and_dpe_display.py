"""Reference rows: the OPERAT declaration date (year N by 30 September of N + 1) on the Décret tertiaire rules,
and the dated rule of the mandatory DPE display (public owner, over 250 m², ERP category 1 to 4)

A database whose reference tables are already seeded gets the values of the seed (the rules' declaration day,
the display rule's row); an empty one gets them from `flask energy seed-reference` as before.

Revision ID: b3d5f7a9c1e2
Revises: a7e3c9d1f2b4
Create Date: 2026-11-30 07:40:00

"""
from datetime import date

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b3d5f7a9c1e2'
down_revision = 'a7e3c9d1f2b4'
branch_labels = None
depends_on = None

SOURCE = ("CCH R126-30 (formerly R134-4-3), décret n° 2013-695 du 30 juillet 2013: a public body's building "
          "over 250 m² hosting an ERP of category 1 to 4 displays its DPE, from 1 July 2015 (secondary)")


def upgrade():
    op.add_column("tertiaire_rules", sa.Column("declaration_month", sa.Integer(), nullable=True))
    op.add_column("tertiaire_rules", sa.Column("declaration_day", sa.Integer(), nullable=True))
    rules = sa.table("tertiaire_rules", sa.column("declaration_month", sa.Integer()),
                     sa.column("declaration_day", sa.Integer()))
    op.execute(rules.update().values(declaration_month=9, declaration_day=30))
    display = op.create_table(
        "dpe_display_rules",
        sa.Column("min_area_m2", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("max_erp_category", sa.Integer(), nullable=False),
        sa.Column("public_owner_only", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dpe_display_rules")),
    )
    seeded = op.get_bind().execute(sa.text("SELECT count(*) FROM tertiaire_rules")).scalar()
    if seeded:
        op.bulk_insert(display, [{"min_area_m2": 250, "max_erp_category": 4, "public_owner_only": True,
                                  "valid_from": date(2015, 7, 1), "valid_to": None, "source": SOURCE, "version": 1}])


def downgrade():
    op.drop_table("dpe_display_rules")
    for column in ("declaration_day", "declaration_month"):
        op.execute(f"ALTER TABLE tertiaire_rules DROP COLUMN {column}")  # SQLite 3.35 or newer, PostgreSQL
