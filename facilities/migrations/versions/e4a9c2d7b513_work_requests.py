"""Work requests: the requests, their comments, the contractors and teams they are assigned to, and the sites each
user is assigned to (a requester's sites)

Revision ID: e4a9c2d7b513
Revises: e5a9c1d7b3f2
Create Date: 2026-11-30 10:30:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e4a9c2d7b513'
down_revision = 'e5a9c1d7b3f2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'user_sites',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_user_sites_site_id_sites'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sites_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'site_id', name=op.f('pk_user_sites')),
    )
    op.create_index(op.f('ix_user_sites_site_id'), 'user_sites', ['site_id'])
    op.create_table(
        'request_assignees',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=True),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('illustrative', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_request_assignees')),
        sa.UniqueConstraint('name', name=op.f('uq_request_assignees_name')),
    )
    op.create_table(
        'work_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('urgency', sa.String(length=16), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.Column('building_id', sa.Integer(), nullable=True),
        sa.Column('floor_id', sa.Integer(), nullable=True),
        sa.Column('space_id', sa.Integer(), nullable=True),
        sa.Column('equipment_id', sa.Integer(), nullable=True),
        sa.Column('finding_id', sa.Integer(), nullable=True),
        sa.Column('requester_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('priority', sa.String(length=16), nullable=True),
        sa.Column('due_on', sa.Date(), nullable=True),
        sa.Column('assignee_id', sa.Integer(), nullable=True),
        sa.Column('refusal_reason', sa.Text(), nullable=True),
        sa.Column('photo_file', sa.String(length=80), nullable=True),
        sa.Column('photo_type', sa.String(length=32), nullable=True),
        sa.Column('photo_bytes', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('illustrative', sa.Boolean(), nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(['assignee_id'], ['request_assignees.id'],
                                name=op.f('fk_work_requests_assignee_id_request_assignees'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_work_requests_building_id_buildings'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['equipment_id'], ['equipment.id'],
                                name=op.f('fk_work_requests_equipment_id_equipment'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['finding_id'], ['findings.id'], name=op.f('fk_work_requests_finding_id_findings'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['floor_id'], ['floors.id'], name=op.f('fk_work_requests_floor_id_floors'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['requester_id'], ['users.id'], name=op.f('fk_work_requests_requester_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_work_requests_site_id_sites'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['space_id'], ['spaces.id'], name=op.f('fk_work_requests_space_id_spaces'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_work_requests')),
    )
    op.create_index(op.f('ix_work_requests_site_id'), 'work_requests', ['site_id'])
    op.create_index(op.f('ix_work_requests_building_id'), 'work_requests', ['building_id'])
    op.create_index(op.f('ix_work_requests_assignee_id'), 'work_requests', ['assignee_id'])
    op.create_index(op.f('ix_work_requests_created_at'), 'work_requests', ['created_at'])
    op.create_index('ix_work_requests_status_due_on', 'work_requests', ['status', 'due_on'])
    op.create_index('ix_work_requests_requester_id_id', 'work_requests', ['requester_id', 'id'])
    op.create_table(
        'request_comments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=True),
        sa.Column('for_requester', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_request_comments_author_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['request_id'], ['work_requests.id'],
                                name=op.f('fk_request_comments_request_id_work_requests'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_request_comments')),
    )
    op.create_index(op.f('ix_request_comments_request_id'), 'request_comments', ['request_id'])


def downgrade():
    op.drop_table('request_comments')
    op.drop_table('work_requests')
    op.drop_table('request_assignees')
    op.drop_table('user_sites')
