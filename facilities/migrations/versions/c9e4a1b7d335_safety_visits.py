"""Safety: the safety commission's visits, their periodicity reference table, prescriptions as findings

Revision ID: c9e4a1b7d335
Revises: b8d3f0e6a224
Create Date: 2026-11-30 08:20:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c9e4a1b7d335'
down_revision = 'b8d3f0e6a224'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'visit_rules',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('erp_types', sa.JSON(), nullable=False),
        sa.Column('erp_categories', sa.JSON(), nullable=False),
        sa.Column('periodicity_months', sa.Integer(), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('valid_to', sa.Date(), nullable=True),
        sa.Column('source', sa.String(length=300), nullable=False),
        sa.Column('sourced', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_rules')),
    )
    op.create_table(
        'safety_visits',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('building_id', sa.Integer(), nullable=False),
        sa.Column('visited_on', sa.Date(), nullable=False),
        sa.Column('commission', sa.String(length=200), nullable=True),
        sa.Column('opinion', sa.String(length=16), nullable=False),
        sa.Column('notes', sa.Text(), nullable=True),
        sa.Column('rule_id', sa.Integer(), nullable=True),
        sa.Column('next_visit_due_on', sa.Date(), nullable=True),
        sa.Column('illustrative', sa.Boolean(), nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_safety_visits_building_id_buildings'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['rule_id'], ['visit_rules.id'], name=op.f('fk_safety_visits_rule_id_visit_rules'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_safety_visits')),
    )
    for column in ('building_id', 'visited_on', 'next_visit_due_on'):
        op.create_index(op.f(f'ix_safety_visits_{column}'), 'safety_visits', [column], unique=False)
    # findings has no expression index: a batch copy on SQLite keeps everything it has.
    with op.batch_alter_table('findings') as batch:
        batch.add_column(sa.Column('visit_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f('fk_findings_visit_id_safety_visits'), 'safety_visits', ['visit_id'], ['id'],
                                 ondelete='CASCADE')
        batch.create_index(op.f('ix_findings_visit_id'), ['visit_id'], unique=False)


def downgrade():
    with op.batch_alter_table('findings') as batch:
        batch.drop_index(op.f('ix_findings_visit_id'))
        batch.drop_constraint(op.f('fk_findings_visit_id_safety_visits'), type_='foreignkey')
        batch.drop_column('visit_id')
    for column in ('next_visit_due_on', 'visited_on', 'building_id'):
        op.drop_index(op.f(f'ix_safety_visits_{column}'), table_name='safety_visits')
    op.drop_table('safety_visits')
    op.drop_table('visit_rules')
