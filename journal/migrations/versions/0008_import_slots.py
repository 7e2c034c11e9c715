"""import slots: leases that bound how many imports are read at once

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('import_slots',
    sa.Column('slot', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('holder', sa.String(length=32), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('slot', name=op.f('pk_import_slots'))
    )
    with op.batch_alter_table('import_slots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_slots_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('import_slots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_slots_expires_at'))

    op.drop_table('import_slots')
