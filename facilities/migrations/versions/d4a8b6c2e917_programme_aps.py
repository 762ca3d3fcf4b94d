"""Programme APs: an AP voted for a programme (an envelope) and its assignments to operations

Revision ID: d4a8b6c2e917
Revises: c7e2a9d4f153
Create Date: 2026-11-30 08:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd4a8b6c2e917'
down_revision = 'c7e2a9d4f153'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "programme_aps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("envelope_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("voted_on", sa.Date(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["envelope_id"], ["envelopes.id"], name="fk_programme_aps_envelope_id_envelopes",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["vote_id"], ["budget_votes.id"], name="fk_programme_aps_vote_id_budget_votes"),
        sa.PrimaryKeyConstraint("id", name="pk_programme_aps"),
    )
    op.create_index("ix_programme_aps_envelope_id", "programme_aps", ["envelope_id"], unique=False)
    op.create_index("ix_programme_aps_vote_id", "programme_aps", ["vote_id"], unique=False)
    op.create_table(
        "ap_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_ap_id", sa.Integer(), nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("assigned_on", sa.Date(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["programme_ap_id"], ["programme_aps.id"],
                                name="fk_ap_assignments_programme_ap_id_programme_aps", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["operation_id"], ["operations.id"], name="fk_ap_assignments_operation_id_operations",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["vote_id"], ["budget_votes.id"], name="fk_ap_assignments_vote_id_budget_votes"),
        sa.PrimaryKeyConstraint("id", name="pk_ap_assignments"),
        sa.UniqueConstraint("programme_ap_id", "operation_id", name="uq_ap_assignments_programme_ap_id_operation_id"),
    )
    op.create_index("ix_ap_assignments_programme_ap_id", "ap_assignments", ["programme_ap_id"], unique=False)
    op.create_index("ix_ap_assignments_operation_id", "ap_assignments", ["operation_id"], unique=False)
    op.create_index("ix_ap_assignments_vote_id", "ap_assignments", ["vote_id"], unique=False)


def downgrade():
    op.drop_table("ap_assignments")
    op.drop_table("programme_aps")
