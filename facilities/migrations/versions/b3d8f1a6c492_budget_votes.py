"""Budget votes (BP, BS, DM1, DM2…, CA) grouping AP creations, revisions and CP carry-overs; each AP vote keeps
the échéancier approved with it

Existing AP revisions and carry-overs keep their rows; their vote is unknown (NULL), shown as such.

Revision ID: b3d8f1a6c492
Revises: a9c4e2f7b318
Create Date: 2026-11-30 07:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b3d8f1a6c492'
down_revision = 'a9c4e2f7b318'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "budget_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=4), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("voted_on", sa.Date(), nullable=False),
        sa.Column("deliberation_ref", sa.String(length=100), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_budget_votes"),
        sa.UniqueConstraint("year", "kind", "number", name="uq_budget_votes_year_kind_number"),
    )
    with op.batch_alter_table("ap_revisions") as batch:
        batch.add_column(sa.Column("vote_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("cp_text", sa.Text(), nullable=True))
        batch.create_index("ix_ap_revisions_vote_id", ["vote_id"], unique=False)
        batch.create_foreign_key("fk_ap_revisions_vote_id_budget_votes", "budget_votes", ["vote_id"], ["id"])
    with op.batch_alter_table("cp_carry_overs") as batch:
        batch.add_column(sa.Column("vote_id", sa.Integer(), nullable=True))
        batch.create_index("ix_cp_carry_overs_vote_id", ["vote_id"], unique=False)
        batch.create_foreign_key("fk_cp_carry_overs_vote_id_budget_votes", "budget_votes", ["vote_id"], ["id"])


def downgrade():
    with op.batch_alter_table("cp_carry_overs") as batch:
        batch.drop_constraint("fk_cp_carry_overs_vote_id_budget_votes", type_="foreignkey")
        batch.drop_index("ix_cp_carry_overs_vote_id")
        batch.drop_column("vote_id")
    with op.batch_alter_table("ap_revisions") as batch:
        batch.drop_constraint("fk_ap_revisions_vote_id_budget_votes", type_="foreignkey")
        batch.drop_index("ix_ap_revisions_vote_id")
        batch.drop_column("cp_text")
        batch.drop_column("vote_id")
    op.drop_table("budget_votes")
