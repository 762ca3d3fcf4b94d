"""Buildings: areas by use (tertiary, housing) and the activity category of the tertiary part

The Décret tertiaire counts the floor area of tertiary activities only, never the gross area. Existing
buildings get tertiary_area_m2 = their gross floor area (no housing is known yet: the column is new), which is
what the application assumed until now; a user then records the housing of the mixed buildings.

Revision ID: f1a2b3c4d5e6
Revises: b20c4d6e8f10
Create Date: 2026-11-30 07:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f1a2b3c4d5e6'
down_revision = 'b20c4d6e8f10'
branch_labels = None
depends_on = None

buildings = sa.table(
    "buildings",
    sa.column("gross_floor_area_m2", sa.Numeric(12, 2)), sa.column("tertiary_area_m2", sa.Numeric(12, 2)),
    sa.column("housing_area_m2", sa.Numeric(12, 2)),
)


def upgrade():
    # Plain ALTER TABLE on both databases: a batch "move and copy" on SQLite would lose the expression index
    # ux_buildings_code_lower, which it cannot reflect.
    op.add_column("buildings", sa.Column("tertiary_area_m2", sa.Numeric(precision=12, scale=2), nullable=True))
    op.add_column("buildings", sa.Column("housing_area_m2", sa.Numeric(precision=12, scale=2), nullable=True))
    op.add_column("buildings", sa.Column("activity_category", sa.String(length=32), nullable=True))
    op.execute(buildings.update().where(buildings.c.housing_area_m2.is_(None))
               .values(tertiary_area_m2=buildings.c.gross_floor_area_m2))


def downgrade():
    for column in ("activity_category", "housing_area_m2", "tertiary_area_m2"):
        op.execute(f"ALTER TABLE buildings DROP COLUMN {column}")  # SQLite 3.35 or newer, PostgreSQL
