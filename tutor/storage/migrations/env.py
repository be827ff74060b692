"""Alembic's environment for the tutor's database: always run from `tutor.storage.migrate`, which hands
over an open connection (SQLite or PostgreSQL, through the app's async engine)."""

from alembic import context

from tutor.storage.migrate import VERSION_TABLE

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    version_table=VERSION_TABLE,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
    transaction_per_migration=False,
)
with context.begin_transaction():
    context.run_migrations()
