"""Published figures: what a source document publishes about a building, compared with the inventory

Revision ID: e5c1a9d2f470
Revises: f3b7d9e1a5c4
Create Date: 2026-11-30 10:40:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e5c1a9d2f470'
down_revision = 'f3b7d9e1a5c4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'published_figures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('building_id', sa.Integer(), nullable=False),
        sa.Column('figure', sa.String(length=32), nullable=False),
        sa.Column('value', sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column('source', sa.String(length=300), nullable=False),
        sa.Column('published_on', sa.Date(), nullable=True),
        sa.Column('reference', sa.String(length=500), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['building_id'], ['buildings.id'],
                                name=op.f('fk_published_figures_building_id_buildings'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_published_figures')),
        sa.UniqueConstraint('building_id', 'figure', name=op.f('uq_published_figures_building_id_figure')),
    )
    op.create_index(op.f('ix_published_figures_building_id'), 'published_figures', ['building_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_published_figures_building_id'), table_name='published_figures')
    op.drop_table('published_figures')
