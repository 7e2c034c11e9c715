import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

from journal.models.base import UTCDateTime
from journal.prompts.sync import sync_prompts

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging.
# This line sets up loggers basically.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger('alembic.env')


def get_engine():
    """The app's engine, or the one a caller hands over as ``config.attributes["engine"]``
    (``flask copy-db`` migrates its PostgreSQL target that way, without a second app)."""
    return config.attributes.get("engine") or current_app.extensions['migrate'].db.engine


def get_engine_url():
    return get_engine().url.render_as_string(hide_password=False).replace('%', '%%')


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option('sqlalchemy.url', get_engine_url())
target_db = current_app.extensions['migrate'].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, 'metadatas'):
        return target_db.metadatas[None]
    return target_db.metadata


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url, target_metadata=get_metadata(), literal_binds=True
    )

    with context.begin_transaction():
        context.run_migrations()


SEARCH_TABLES = ("entries_fts", "search_documents")


def include_name(name, type_, parent_names):
    """The search index is built by hand (FTS5 on SQLite, tsvector on PostgreSQL) and
    has no model: leave it out of autogenerate comparisons."""
    return not (type_ == "table" and name and name.startswith(SEARCH_TABLES))


def render_item(type_, obj, autogen_context):
    """Write the app's column types as plain SQLAlchemy types, so migrations never
    import application code."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, 'autogenerate', False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info('No changes in schema detected.')

    conf_args = current_app.extensions['migrate'].configure_args
    conf_args.setdefault('render_item', render_item)
    conf_args.setdefault('include_name', include_name)
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives

    connectable = get_engine()

    with connectable.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        raw = connection.connection.driver_connection
        if sqlite:
            # Batch migrations rebuild a table by copying it and dropping the old one;
            # with foreign keys on, that drop would cascade-delete the rows that point
            # at it. The pragma only works outside a transaction, hence the raw call.
            raw.execute("PRAGMA foreign_keys = OFF")
        try:
            context.configure(
                connection=connection,
                target_metadata=get_metadata(),
                **conf_args
            )

            with context.begin_transaction():
                context.run_migrations()
            if _is_upgrade_to_head():
                _sync_prompt_library(connection)
            if connection.in_transaction():
                connection.commit()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                connection.rollback()
                if broken:
                    raise RuntimeError(f"The migration left broken references: {broken[:5]}")
        finally:
            if sqlite:
                raw.execute("PRAGMA foreign_keys = ON")


def _is_upgrade_to_head():
    """True when this run is ``flask db upgrade`` (not downgrade, check or migrate) and
    the schema is now the newest one, which the prompt sync is written against."""
    migration_context = context.get_context()
    if getattr(migration_context.opts.get("fn"), "__name__", "") != "upgrade":
        return False
    return set(migration_context.get_current_heads()) == set(context.script.get_heads())


def _sync_prompt_library(connection):
    """Every upgrade also brings the built-in prompts in line with the package's
    library file (idempotent): new prompts appear, edited ones change, removed ones
    retire."""
    if not context.is_offline_mode():
        result = sync_prompts(connection)
        logger.info("Prompt library: %s", result)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
