"""Search by index: trigram indexes on the code and name of sites, buildings, spaces, operations and envelopes;
the communes menu's and the map box's indexes on sites

Revision ID: b20c4d6e8f10
Revises: b3d8f1a6c492
Create Date: 2026-11-30 08:00:00

PostgreSQL: pg_trgm and a GIN index on each table's folded text. SQLite: an FTS5 trigram table per table, filled
from the existing rows and kept up to date by triggers. No existing row changes.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b20c4d6e8f10'
down_revision = 'b3d8f1a6c492'
branch_labels = None
depends_on = None

# The searched columns as this revision made them (facilities/textsearch.py writes the statements).
SEARCHED = {
    "sites": ("code", "name", "commune_name"),
    "buildings": ("code", "name"),
    "spaces": ("code", "name"),
    "envelopes": ("label", "category"),
    "operations": ("label",),
}


def upgrade():
    from facilities.textsearch import ddl

    op.create_index("ix_sites_commune_code_name", "sites", ["commune_code", "commune_name"])
    op.create_index("ix_sites_latitude_longitude", "sites", ["latitude", "longitude"])
    dialect = op.get_bind().dialect.name
    for table, columns in SEARCHED.items():
        for statement in ddl(dialect, table, columns):
            op.execute(statement)


def downgrade():
    from facilities.textsearch import drop_ddl

    dialect = op.get_bind().dialect.name
    for table in SEARCHED:
        for statement in drop_ddl(dialect, table):
            op.execute(statement)
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS search_fold(text)")
    op.drop_index("ix_sites_latitude_longitude", table_name="sites")
    op.drop_index("ix_sites_commune_code_name", table_name="sites")
