"""ERP data of buildings: several types, capacities, accommodation; the category derived from dated thresholds

Revision ID: f1a8c3e5b702
Revises: a7c3e9f1b2d4
Create Date: 2026-11-30 07:30:00

The single `erp_type` becomes the list `erp_types` (a building's type is kept as a one-item list). The category
typed by hand becomes an override of the derived one (`erp_category_override`), its reason saying so, so that
no category shown today changes until someone records the capacity and removes the override. The reference
tables of the derivation (type thresholds, category scale) are created empty: `flask safety seed-reference`
fills them.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f1a8c3e5b702'
down_revision = 'a7c3e9f1b2d4'
branch_labels = None
depends_on = None

KEPT_REASON = "Category typed by hand before it was derived from the capacity (kept by the migration)"


def upgrade():
    op.create_table(
        'erp_type_thresholds',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('erp_type', sa.String(length=3), nullable=False),
        sa.Column('with_accommodation', sa.Boolean(), nullable=True),
        sa.Column('public_threshold', sa.Integer(), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('valid_to', sa.Date(), nullable=True),
        sa.Column('source', sa.String(length=300), nullable=False),
        sa.Column('sourced', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_erp_type_thresholds')),
    )
    op.create_index(op.f('ix_erp_type_thresholds_erp_type'), 'erp_type_thresholds', ['erp_type'], unique=False)
    op.create_table(
        'erp_category_scales',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('category_1_above', sa.Integer(), nullable=False),
        sa.Column('category_2_above', sa.Integer(), nullable=False),
        sa.Column('category_3_above', sa.Integer(), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('valid_to', sa.Date(), nullable=True),
        sa.Column('source', sa.String(length=300), nullable=False),
        sa.Column('sourced', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_erp_category_scales')),
    )
    # Plain ALTER TABLE on both databases (a batch copy on SQLite would lose the expression indexes).
    op.add_column('buildings', sa.Column('erp_types', sa.JSON(), server_default=sa.text("'[]'"), nullable=False))
    op.add_column('buildings', sa.Column('public_capacity', sa.Integer(), nullable=True))
    op.add_column('buildings', sa.Column('staff_capacity', sa.Integer(), nullable=True))
    op.add_column('buildings', sa.Column('with_accommodation', sa.Boolean(), server_default=sa.false(),
                                         nullable=False))
    op.add_column('buildings', sa.Column('erp_category_override_reason', sa.Text(), nullable=True))
    op.execute("ALTER TABLE buildings RENAME COLUMN erp_category TO erp_category_override")
    buildings = sa.table('buildings', sa.column('id', sa.Integer()), sa.column('erp_type', sa.String()),
                         sa.column('erp_types', sa.JSON()), sa.column('erp_category_override', sa.Integer()),
                         sa.column('erp_category_override_reason', sa.Text()))
    connection = op.get_bind()
    for building_id, erp_type in connection.execute(sa.select(buildings.c.id, buildings.c.erp_type)).all():
        connection.execute(buildings.update().where(buildings.c.id == building_id)
                           .values(erp_types=[erp_type] if erp_type else []))
    connection.execute(buildings.update().where(buildings.c.erp_category_override.is_not(None))
                       .values(erp_category_override_reason=KEPT_REASON))
    op.execute("ALTER TABLE buildings DROP COLUMN erp_type")


def downgrade():
    op.add_column('buildings', sa.Column('erp_type', sa.String(length=2), nullable=True))
    buildings = sa.table('buildings', sa.column('id', sa.Integer()), sa.column('erp_type', sa.String()),
                         sa.column('erp_types', sa.JSON()))
    connection = op.get_bind()
    for building_id, types in connection.execute(sa.select(buildings.c.id, buildings.c.erp_types)).all():
        first = next((code for code in types or [] if len(code) <= 2), None)
        connection.execute(buildings.update().where(buildings.c.id == building_id).values(erp_type=first))
    op.execute("ALTER TABLE buildings RENAME COLUMN erp_category_override TO erp_category")
    for column in ('erp_category_override_reason', 'with_accommodation', 'staff_capacity', 'public_capacity',
                   'erp_types'):
        op.execute(f"ALTER TABLE buildings DROP COLUMN {column}")
    op.drop_table('erp_category_scales')
    op.drop_index(op.f('ix_erp_type_thresholds_erp_type'), table_name='erp_type_thresholds')
    op.drop_table('erp_type_thresholds')
