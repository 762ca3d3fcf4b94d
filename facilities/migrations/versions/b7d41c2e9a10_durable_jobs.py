"""Durable jobs: attempts and claim token (a dead worker's job is queued again), result mimetype and expiry

Revision ID: b7d41c2e9a10
Revises: c41e7a2d9b10
Create Date: 2026-12-02 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'b7d41c2e9a10'
down_revision = 'c41e7a2d9b10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('claim_token', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('worker', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('result_mimetype', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('result_expired_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_column('result_expired_at')
        batch_op.drop_column('result_mimetype')
        batch_op.drop_column('worker')
        batch_op.drop_column('claim_token')
        batch_op.drop_column('attempts')
