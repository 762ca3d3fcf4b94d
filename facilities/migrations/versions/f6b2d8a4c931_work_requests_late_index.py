"""Work requests: what is late per site and priority read from one index (status, due date, site, priority)

Revision ID: f6b2d8a4c931
Revises: e5c1a9d2f470
Create Date: 2026-11-30 11:10:00
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f6b2d8a4c931'
down_revision = 'e5c1a9d2f470'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_work_requests_status_due_on', table_name='work_requests')
    op.create_index('ix_work_requests_late', 'work_requests', ['status', 'due_on', 'site_id', 'priority'])


def downgrade():
    op.drop_index('ix_work_requests_late', table_name='work_requests')
    op.create_index('ix_work_requests_status_due_on', 'work_requests', ['status', 'due_on'])
