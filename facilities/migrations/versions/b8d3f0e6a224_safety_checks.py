"""Safety: the periodic checks reference table, the checks done (with their reports), their findings, calendar feeds

Revision ID: b8d3f0e6a224
Revises: a7c2e9d4f113
Create Date: 2026-11-30 08:00:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b8d3f0e6a224'
down_revision = 'a7c2e9d4f113'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'check_rules',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('check_type', sa.String(length=32), nullable=False),
        sa.Column('equipment_category', sa.String(length=32), nullable=False),
        sa.Column('erp_types', sa.JSON(), nullable=False),
        sa.Column('erp_categories', sa.JSON(), nullable=False),
        sa.Column('periodicity_months', sa.Integer(), nullable=False),
        sa.Column('performer', sa.String(length=32), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('valid_to', sa.Date(), nullable=True),
        sa.Column('source', sa.String(length=300), nullable=False),
        sa.Column('sourced', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_check_rules')),
    )
    op.create_index(op.f('ix_check_rules_check_type'), 'check_rules', ['check_type'], unique=False)
    op.create_table(
        'checks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('building_id', sa.Integer(), nullable=False),
        sa.Column('equipment_id', sa.Integer(), nullable=False),
        sa.Column('check_type', sa.String(length=32), nullable=False),
        sa.Column('done_on', sa.Date(), nullable=False),
        sa.Column('body', sa.String(length=200), nullable=False),
        sa.Column('result', sa.String(length=16), nullable=False),
        sa.Column('notes', sa.Text(), nullable=True),
        sa.Column('rule_id', sa.Integer(), nullable=True),
        sa.Column('next_due_on', sa.Date(), nullable=True),
        sa.Column('report_file', sa.String(length=80), nullable=True),
        sa.Column('report_name', sa.String(length=120), nullable=True),
        sa.Column('report_bytes', sa.Integer(), nullable=True),
        sa.Column('illustrative', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_checks_building_id_buildings'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['equipment_id'], ['equipment.id'], name=op.f('fk_checks_equipment_id_equipment'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['rule_id'], ['check_rules.id'], name=op.f('fk_checks_rule_id_check_rules'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_checks')),
    )
    for column in ('building_id', 'equipment_id', 'done_on', 'next_due_on'):
        op.create_index(op.f(f'ix_checks_{column}'), 'checks', [column], unique=False)
    op.create_table(
        'findings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('building_id', sa.Integer(), nullable=False),
        sa.Column('check_id', sa.Integer(), nullable=True),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('severity', sa.String(length=16), nullable=False),
        sa.Column('raised_on', sa.Date(), nullable=False),
        sa.Column('lifted_on', sa.Date(), nullable=True),
        sa.Column('lifted_evidence', sa.Text(), nullable=True),
        sa.Column('illustrative', sa.Boolean(), nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_findings_building_id_buildings'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['check_id'], ['checks.id'], name=op.f('fk_findings_check_id_checks'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_findings')),
    )
    for column in ('building_id', 'check_id', 'lifted_on'):
        op.create_index(op.f(f'ix_findings_{column}'), 'findings', [column], unique=False)
    op.create_table(
        'calendar_feeds',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('secret_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_feeds_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feeds')),
        sa.UniqueConstraint('secret_hash', name=op.f('uq_calendar_feeds_secret_hash')),
        sa.UniqueConstraint('user_id', name=op.f('uq_calendar_feeds_user_id')),
    )


def downgrade():
    op.drop_table('calendar_feeds')
    for column in ('lifted_on', 'check_id', 'building_id'):
        op.drop_index(op.f(f'ix_findings_{column}'), table_name='findings')
    op.drop_table('findings')
    for column in ('next_due_on', 'done_on', 'equipment_id', 'building_id'):
        op.drop_index(op.f(f'ix_checks_{column}'), table_name='checks')
    op.drop_table('checks')
    op.drop_index(op.f('ix_check_rules_check_type'), table_name='check_rules')
    op.drop_table('check_rules')
