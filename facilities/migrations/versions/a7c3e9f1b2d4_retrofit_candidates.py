"""Candidate retrofit operations of an envelope, with their expected savings per carrier (the retrofit optimiser)

Revision ID: a7c3e9f1b2d4
Revises: f17a0c3b5d21
Create Date: 2026-11-30 07:30:00

New tables only: no existing row changes.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7c3e9f1b2d4'
down_revision = 'f17a0c3b5d21'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "retrofit_candidates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("envelope_id", sa.Integer(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("cost_cents", sa.BigInteger(), nullable=False),
        sa.Column("earliest_start_year", sa.Integer(), nullable=False),
        sa.Column("duration_years", sa.Integer(), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(["envelope_id"], ["envelopes.id"], name=op.f("fk_retrofit_candidates_envelope_id_envelopes"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["building_id"], ["buildings.id"], name=op.f("fk_retrofit_candidates_building_id_buildings"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retrofit_candidates")),
    )
    op.create_index(op.f("ix_retrofit_candidates_envelope_id"), "retrofit_candidates", ["envelope_id"])
    op.create_index(op.f("ix_retrofit_candidates_building_id"), "retrofit_candidates", ["building_id"])
    op.create_table(
        "retrofit_candidate_savings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("carrier", sa.String(length=32), nullable=False),
        sa.Column("kwh_per_year", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["candidate_id"], ["retrofit_candidates.id"],
                                name=op.f("fk_retrofit_candidate_savings_candidate_id_retrofit_candidates"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retrofit_candidate_savings")),
        sa.UniqueConstraint("candidate_id", "carrier", name=op.f("uq_retrofit_candidate_savings_candidate_id_carrier")),
    )
    op.create_index(op.f("ix_retrofit_candidate_savings_candidate_id"), "retrofit_candidate_savings",
                    ["candidate_id"])


def downgrade():
    op.drop_index(op.f("ix_retrofit_candidate_savings_candidate_id"), table_name="retrofit_candidate_savings")
    op.drop_table("retrofit_candidate_savings")
    op.drop_index(op.f("ix_retrofit_candidates_building_id"), table_name="retrofit_candidates")
    op.drop_index(op.f("ix_retrofit_candidates_envelope_id"), table_name="retrofit_candidates")
    op.drop_table("retrofit_candidates")
