"""EFAs (entités fonctionnelles assujetties): the units declared on OPERAT, one site, parts of buildings

Existing data migrates without loss: each building with a tertiary area gets one EFA of its own (labelled after
the building, its activity category or offices, the whole building), which a user may then merge.

Revision ID: a7e3c9d1f2b4
Revises: f1a2b3c4d5e6
Create Date: 2026-11-30 07:50:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7e3c9d1f2b4'
down_revision = 'f1a2b3c4d5e6'
branch_labels = None
depends_on = None


def upgrade():
    efas = op.create_table(
        "efas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("activity_category", sa.String(length=32), nullable=True),
        sa.Column("reference_year", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_efas_site_id_sites"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_efas")),
    )
    op.create_index(op.f("ix_efas_site_id"), "efas", ["site_id"], unique=False)
    parts = op.create_table(
        "efa_parts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("efa_id", sa.Integer(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=False),
        sa.Column("tertiary_area_m2", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.ForeignKeyConstraint(["building_id"], ["buildings.id"], name=op.f("fk_efa_parts_building_id_buildings"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["efa_id"], ["efas.id"], name=op.f("fk_efa_parts_efa_id_efas"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_efa_parts")),
        sa.UniqueConstraint("efa_id", "building_id", name="uq_efa_parts_efa_building"),
    )
    op.create_index(op.f("ix_efa_parts_building_id"), "efa_parts", ["building_id"], unique=False)
    op.create_index(op.f("ix_efa_parts_efa_id"), "efa_parts", ["efa_id"], unique=False)

    connection = op.get_bind()
    buildings = connection.execute(sa.text(
        "SELECT id, site_id, name, activity_category FROM buildings "
        "WHERE COALESCE(tertiary_area_m2, gross_floor_area_m2, 0) > 0 ORDER BY id")).all()
    now = sa.func.now() if connection.dialect.name == "postgresql" else sa.text("CURRENT_TIMESTAMP")
    for building_id, site_id, name, category in buildings:
        efa_id = connection.execute(
            efas.insert().values(site_id=site_id, label=name, activity_category=category or "offices",
                                 created_at=now, version=1).returning(efas.c.id)).scalar_one()
        connection.execute(parts.insert().values(efa_id=efa_id, building_id=building_id, tertiary_area_m2=None))


def downgrade():
    op.drop_index(op.f("ix_efa_parts_efa_id"), table_name="efa_parts")
    op.drop_index(op.f("ix_efa_parts_building_id"), table_name="efa_parts")
    op.drop_table("efa_parts")
    op.drop_index(op.f("ix_efas_site_id"), table_name="efas")
    op.drop_table("efas")
