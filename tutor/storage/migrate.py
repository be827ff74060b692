"""The database schema, created and migrated by Alembic on SQLite and PostgreSQL alike.

`upgrade` brings a database to the newest revision: `tutor db upgrade`, `make run`, `tutor serve` and the
chat's data layer on first use all call it, and it does nothing on an up-to-date database. Several chat
processes may start at once: on PostgreSQL an advisory lock, on SQLite a lock file beside the database,
lets one of them migrate while the others wait.

Adding a table or a column: change `tutor/storage/tables.py` (or rely on a new Chainlit column), then add
a revision in `tutor/storage/migrations/versions/` (`down_revision` = the previous one); the test
`tests/storage/test_migrations.py` fails while the two disagree.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "tutor_schema_version"
_PG_LOCK = 0x7475746F72  # "tutor": one advisory lock for every process migrating this database
_done: set[str] = set()
_locks: dict[tuple[str, int], asyncio.Lock] = {}


def _alembic_config(connection: Connection | None = None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest revision in the migrations folder."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def _current(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE}).get_current_revision()


def _upgrade(connection: Connection, revision: str) -> None:
    from alembic import command

    logging.getLogger("alembic").setLevel(logging.WARNING)  # its INFO lines would fill the chat's log
    command.upgrade(_alembic_config(connection), revision)


async def current(engine: AsyncEngine) -> str | None:
    """The database's revision (None: never migrated)."""
    async with engine.connect() as conn:
        return await conn.run_sync(_current)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> tuple[str | None, str | None]:
    """Migrate to `revision`; returns (revision before, revision after)."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        from filelock import FileLock

        with FileLock(f"{url.database}.migrate.lock"):
            return await _upgrade_locked(engine, revision)
    return await _upgrade_locked(engine, revision)


async def _upgrade_locked(engine: AsyncEngine, revision: str) -> tuple[str | None, str | None]:
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
        before = await conn.run_sync(_current)
        if before != head() or revision != "head":
            await conn.run_sync(_upgrade, revision)
        after = await conn.run_sync(_current)
    return before, after


async def ensure_schema(engine: AsyncEngine) -> None:
    """Migrate once per process and database, before the first query (concurrent callers wait)."""
    key = engine.url.render_as_string(hide_password=False)
    if key in _done:
        return
    lock = _locks.setdefault((key, id(asyncio.get_running_loop())), asyncio.Lock())
    async with lock:
        if key not in _done:
            await upgrade(engine)
            _done.add(key)


def forget_migrated() -> None:
    """Migrate again on next use (tests drop and recreate databases)."""
    _done.clear()
    _locks.clear()


def run_on(url: str, coro_fn):
    """`coro_fn(engine)` for synchronous callers, on a fresh async engine for `url` disposed afterwards."""

    async def run():
        engine = create_async_engine(url)
        try:
            return await coro_fn(engine)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def upgrade_url(url: str, revision: str = "head") -> tuple[str | None, str | None]:
    """`upgrade` for synchronous callers (the CLI), on its own engine."""
    return run_on(url, lambda engine: upgrade(engine, revision))


def current_url(url: str) -> str | None:
    return run_on(url, current)
