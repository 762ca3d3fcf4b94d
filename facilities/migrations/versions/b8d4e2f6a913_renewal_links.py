"""Capital renewal: the works operation that renews an item of equipment (one live operation per item)

Revision ID: b8d4e2f6a913
Revises: d3f7b2c8e446
Create Date: 2026-11-30 10:30:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b8d4e2f6a913'
down_revision = 'd3f7b2c8e446'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'renewal_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('operation_id', sa.Integer(), nullable=False),
        sa.Column('equipment_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['equipment_id'], ['equipment.id'],
                                name=op.f('fk_renewal_links_equipment_id_equipment'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['operation_id'], ['operations.id'],
                                name=op.f('fk_renewal_links_operation_id_operations'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_renewal_links')),
        sa.UniqueConstraint('equipment_id', name=op.f('uq_renewal_links_equipment_id')),
    )
    op.create_index(op.f('ix_renewal_links_operation_id'), 'renewal_links', ['operation_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_renewal_links_operation_id'), table_name='renewal_links')
    op.drop_table('renewal_links')
