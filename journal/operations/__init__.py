"""Looking after a deployment, one module per job: :mod:`~journal.operations.backup`
copies the SQLite file, :mod:`~journal.operations.check` checks the health of the
database, and :mod:`~journal.operations.copy` moves a journal from SQLite to PostgreSQL.
(A password is reset with :func:`journal.auth.services.reset_password`.)

The commands in :mod:`journal.cli` call these functions; they raise
:class:`~journal.operations.common.OperationError` with a message written for the
person at the terminal. They are handed the running app or an engine; none builds an app.
"""
