"""Codes unique without regard to case: sites, buildings, and spaces on their floor

The services already refuse a code that differs from another only by case, but two concurrent requests could
both pass that check; these indexes make the database refuse the second. A database that already holds such
codes cannot take the index: the upgrade stops and lists them, to be renamed first.

Revision ID: c4e1a7d93b20
Revises: b7d41c2e9a10
Create Date: 2026-11-30 05:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c4e1a7d93b20'
down_revision = 'b7d41c2e9a10'
branch_labels = None
depends_on = None

INDEXES = [
    ("ux_sites_code_lower", "sites", []),
    ("ux_buildings_code_lower", "buildings", []),
    ("ux_spaces_floor_id_code_lower", "spaces", ["floor_id"]),
]


def _duplicates(table: str, scope: list[str]) -> list[str]:
    columns = ", ".join(scope + ["lower(code)"])
    rows = op.get_bind().execute(sa.text(
        f"SELECT {columns}, count(*) FROM {table} GROUP BY {columns} HAVING count(*) > 1 LIMIT 20")).all()
    return [" / ".join(str(value) for value in row[:-1]) for row in rows]


def upgrade():
    problems = [f"{table}: {', '.join(found)}" for _name, table, scope in INDEXES
                if (found := _duplicates(table, scope))]
    if problems:
        raise RuntimeError("Codes differing only by case must be renamed before this upgrade (then run it again): "
                           + "; ".join(problems))
    for name, table, scope in INDEXES:
        op.create_index(name, table, [*scope, sa.text("lower(code)")], unique=True)


def downgrade():
    for name, table, _scope in reversed(INDEXES):
        op.drop_index(name, table_name=table)
