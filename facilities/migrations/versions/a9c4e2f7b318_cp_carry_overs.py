"""CP carried over: unpaid CP of a year re-spread onto later years, recorded as such

Revision ID: a9c4e2f7b318
Revises: f1a8c3e5b702
Create Date: 2026-11-30 07:15:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a9c4e2f7b318'
down_revision = 'f1a8c3e5b702'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "cp_carry_overs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column("from_year", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("to_years", sa.String(length=400), nullable=False),
        sa.Column("carried_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["operation_id"], ["operations.id"], name="fk_cp_carry_overs_operation_id_operations",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_cp_carry_overs"),
    )
    op.create_index("ix_cp_carry_overs_operation_id", "cp_carry_overs", ["operation_id"], unique=False)


def downgrade():
    op.drop_table("cp_carry_overs")
