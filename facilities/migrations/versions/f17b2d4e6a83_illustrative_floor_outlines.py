"""Floor outlines say whether they are illustrative (the demo's drawn floors), as sites and buildings do

Revision ID: f17b2d4e6a83
Revises: b3d5f7a9c1e2
Create Date: 2026-11-30 07:30:00

Existing outlines are not illustrative (false): no row changes meaning.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f17b2d4e6a83'
down_revision = 'b3d5f7a9c1e2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("floor_outlines") as batch:
        batch.add_column(sa.Column("illustrative", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("floor_outlines") as batch:
        batch.drop_column("illustrative")
