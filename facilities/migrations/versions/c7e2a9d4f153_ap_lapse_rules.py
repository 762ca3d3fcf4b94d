"""Caducité of APs: the dated rule of the règlement budgétaire et financier (years without commitment before an
AP lapses); no row means the default of 3 years

Revision ID: c7e2a9d4f153
Revises: f17b2d4e6a83
Create Date: 2026-11-30 08:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c7e2a9d4f153'
down_revision = 'f17b2d4e6a83'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ap_lapse_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("lapse_years", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ap_lapse_rules"),
        sa.UniqueConstraint("valid_from", name="uq_ap_lapse_rules_valid_from"),
    )


def downgrade():
    op.drop_table("ap_lapse_rules")
