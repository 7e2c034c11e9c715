"""sealed imports: uploads waiting for confirmation and import jobs keep the file, its
name and the reader's message sealed under the owner's data key, bound to a random uid

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 10:00:00.000000

Waiting uploads are dropped (they are to be uploaded again: nothing here can seal them
without their owner). Jobs keep their rows; the file names and messages stored plain
so far give way to the journal's own words.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

FAILED_BEFORE = 'Nothing was imported.'


def upgrade():
    op.execute("DELETE FROM pending_imports")
    with op.batch_alter_table('pending_imports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('uid', sa.LargeBinary(length=16), nullable=True))
        batch_op.add_column(sa.Column('sealed', sa.LargeBinary(), nullable=True))
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('uid', sa.LargeBinary(length=16), nullable=True))
        batch_op.add_column(sa.Column('sealed', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('problem', sa.Text(), nullable=True))
    jobs = sa.table('import_jobs', sa.column('filename', sa.String),
                    sa.column('error', sa.Text))
    op.execute(jobs.update().values(filename=''))
    op.execute(jobs.update().where(jobs.c.error.is_not(None)).values(error=FAILED_BEFORE))


def downgrade():
    op.execute("DELETE FROM pending_imports")
    # A sealed job the older code could not read is removed, as a failed one.
    jobs = sa.table('import_jobs', sa.column('sealed', sa.LargeBinary),
                    sa.column('state', sa.String), sa.column('error', sa.Text),
                    sa.column('worker', sa.String), sa.column('lease_until', sa.DateTime))
    op.execute(jobs.update().where(jobs.c.sealed.is_not(None),
                                   jobs.c.state.in_(('queued', 'running')))
               .values(state='removing', error=FAILED_BEFORE, worker=None, lease_until=None))
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.drop_column('problem')
        batch_op.drop_column('sealed')
        batch_op.drop_column('uid')
    with op.batch_alter_table('pending_imports', schema=None) as batch_op:
        batch_op.drop_column('sealed')
        batch_op.drop_column('uid')
