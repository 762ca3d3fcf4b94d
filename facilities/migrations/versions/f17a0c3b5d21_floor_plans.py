"""Floor plans: outlines of floors and spaces in the building's local metres, and building georeferences

Revision ID: f17a0c3b5d21
Revises: d5e8f1a3c720
Create Date: 2026-11-30 07:10:00

New tables only: no existing row changes.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f17a0c3b5d21'
down_revision = 'd5e8f1a3c720'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "floor_outlines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("floor_id", sa.Integer(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=False),
        sa.Column("geometry", sa.JSON(), nullable=False),
        sa.Column("drawn_area_m2", sa.Numeric(12, 2), nullable=False),
        sa.ForeignKeyConstraint(["floor_id"], ["floors.id"], name="fk_floor_outlines_floor_id_floors",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["building_id"], ["buildings.id"], name="fk_floor_outlines_building_id_buildings",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_floor_outlines"),
        sa.UniqueConstraint("floor_id", name="uq_floor_outlines_floor_id"),
    )
    op.create_index("ix_floor_outlines_building_id", "floor_outlines", ["building_id"])
    op.create_table(
        "space_outlines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("floor_id", sa.Integer(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=False),
        sa.Column("geometry", sa.JSON(), nullable=False),
        sa.Column("drawn_area_m2", sa.Numeric(12, 2), nullable=False),
        sa.ForeignKeyConstraint(["space_id"], ["spaces.id"], name="fk_space_outlines_space_id_spaces",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["floor_id"], ["floors.id"], name="fk_space_outlines_floor_id_floors",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["building_id"], ["buildings.id"], name="fk_space_outlines_building_id_buildings",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_space_outlines"),
        sa.UniqueConstraint("space_id", name="uq_space_outlines_space_id"),
    )
    op.create_index("ix_space_outlines_floor_id", "space_outlines", ["floor_id"])
    op.create_index("ix_space_outlines_building_id", "space_outlines", ["building_id"])
    op.create_table(
        "building_georeferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=False),
        sa.Column("latitude", sa.Double(), nullable=False),
        sa.Column("longitude", sa.Double(), nullable=False),
        sa.Column("rotation_deg", sa.Double(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["building_id"], ["buildings.id"],
                                name="fk_building_georeferences_building_id_buildings", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_building_georeferences"),
        sa.UniqueConstraint("building_id", name="uq_building_georeferences_building_id"),
    )


    op.create_table(
        "plan_type_mappings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pattern", sa.String(length=120), nullable=False),
        sa.Column("space_type", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_plan_type_mappings"),
        sa.UniqueConstraint("pattern", name="uq_plan_type_mappings_pattern"),
    )


def downgrade():
    op.drop_table("plan_type_mappings")
    op.drop_table("building_georeferences")
    op.drop_index("ix_space_outlines_building_id", table_name="space_outlines")
    op.drop_index("ix_space_outlines_floor_id", table_name="space_outlines")
    op.drop_table("space_outlines")
    op.drop_index("ix_floor_outlines_building_id", table_name="floor_outlines")
    op.drop_table("floor_outlines")
