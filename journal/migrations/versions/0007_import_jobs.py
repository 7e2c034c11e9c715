"""import jobs

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('import_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('format', sa.String(length=16), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('date_undated', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('total', sa.Integer(), server_default='0', nullable=False),
    sa.Column('done', sa.Integer(), server_default='0', nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('worker', sa.String(length=64), nullable=True),
    sa.Column('lease_until', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_import_jobs_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_jobs'))
    )
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_jobs_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_jobs_state'), ['state'], unique=False)

    for table in ('entries', 'tags', 'prompts'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('import_job_id', sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_import_job_id'), ['import_job_id'],
                                  unique=False)
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_import_job_id_import_jobs'),
                                        'import_jobs', ['import_job_id'], ['id'],
                                        ondelete='SET NULL')
    _restore_search_trigger()


def _restore_search_trigger():
    """On SQLite the batch copy of ``entries`` drops the trigger that keeps the search
    index in step with deletions (see 0003); it comes back as it was."""
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("DROP TRIGGER IF EXISTS entries_fts_after_delete")
        op.execute(
            "CREATE TRIGGER entries_fts_after_delete AFTER DELETE ON entries BEGIN "
            "DELETE FROM entries_fts WHERE rowid = old.id; END"
        )


def downgrade():
    for table in ('prompts', 'tags', 'entries'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_import_job_id_import_jobs'),
                                     type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_{table}_import_job_id'))
            batch_op.drop_column('import_job_id')
    _restore_search_trigger()
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_jobs_state'))
        batch_op.drop_index(batch_op.f('ix_import_jobs_owner_id'))
    op.drop_table('import_jobs')
