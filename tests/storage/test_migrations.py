"""The schema comes from Alembic, on SQLite and on a real PostgreSQL: created from nothing, adopted from the
previous release without losing a row, columns Chainlit added since its documented schema are added, the
tutor's tables match tutor/storage/tables.py, and `tutor db upgrade` says what it did."""

import asyncio
import os
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import create_async_engine

from tutor.storage import migrate, tables
from tutor.storage.migrate import run_on

RELEASE_SQLITE = Path(__file__).parent / "release-0.1.0-sqlite.sql"
CHAINLIT_TABLES = {"users", "threads", "steps", "elements", "feedbacks"}


def run(coro_fn, url):
    return run_on(url, coro_fn)


async def schema(engine) -> dict:
    async with engine.connect() as conn:
        def read(sync):
            found = inspect(sync)
            return {name: {c["name"] for c in found.get_columns(name)} | {i["name"] for i in found.get_indexes(name)}
                    for name in found.get_table_names()}
        return await conn.run_sync(read)


def test_an_empty_database_gets_every_table(database_url):
    assert migrate.upgrade_url(database_url) == (None, migrate.head())
    assert migrate.upgrade_url(database_url) == (migrate.head(), migrate.head())  # nothing to do the second time
    found = run(schema, database_url)
    assert CHAINLIT_TABLES | {"tutor_progress", "tutor_answers", migrate.VERSION_TABLE} <= set(found)
    assert {"autoCollapse", "defaultOpen", "modes", "ix_steps_threadId"} <= found["steps"]
    assert {"autoPlay", "playerConfig"} <= found["elements"]


def test_the_tutors_tables_match_their_definitions(database_url):
    """A table or column added to tutor/storage/tables.py needs a migration: this fails until it has one."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    migrate.upgrade_url(database_url)

    async def differences(engine):
        async with engine.connect() as conn:
            return await conn.run_sync(lambda sync: compare_metadata(MigrationContext.configure(sync), tables.metadata))
    def table(diff):  # ("add_column", schema, table, column), ("remove_index", Index), [("modify_type", ...)]
        diff = diff[0] if isinstance(diff, list) else diff
        obj = diff[1]
        return getattr(obj, "name", None) if diff[0].endswith("_table") else \
            getattr(getattr(obj, "table", None), "name", None) or diff[2]
    assert [d for d in run(differences, database_url) if table(d) not in CHAINLIT_TABLES | {migrate.VERSION_TABLE}] == []


def test_a_database_from_the_previous_release_is_adopted(tmp_path):
    """tutor 0.1.0 created its SQLite tables itself (no version table): upgrading keeps every row."""
    import sqlite3

    path = tmp_path / "chat.db"
    with sqlite3.connect(path) as db:
        db.executescript(RELEASE_SQLITE.read_text())
        db.execute("""INSERT INTO users VALUES ('u1', 'apprenant-1', '{"role": "learner"}', '2026-01-01T00:00:00Z')""")
        db.execute("""INSERT INTO threads ("id", "name", "userId", "userIdentifier", "tags", "metadata")
                      VALUES ('t1', 'Les LLM', 'u1', 'apprenant-1', '["cours"]', '{}')""")
        db.execute("""INSERT INTO steps ("id", "name", "type", "threadId", "streaming", "output", "createdAt", "metadata")
                      VALUES ('s1', 'Tuteur IA', 'assistant_message', 't1', 0, 'Un LLM est...', '2026-01-01T00:00:01Z',
                              '{"citations": ["c1"]}')""")
        db.execute("INSERT INTO feedbacks VALUES ('f1', 's1', 't1', 1, 'clair')")
        db.execute("INSERT INTO tutor_progress VALUES ('apprenant-1', 'prompts', 1, 1, 0, 0, 1.0, NULL, '2026-01-01')")
    url = f"sqlite+aiosqlite:///{path}"
    assert migrate.upgrade_url(url) == (None, migrate.head())

    async def read_back(engine):
        from tutor.chat.storage import TutorDataLayer, export_feedback

        layer = TutorDataLayer(url)
        try:
            threads = await layer.get_all_user_threads(user_id="u1")
            return threads, await export_feedback(layer), (await schema(layer.engine))["steps"]
        finally:
            await layer.engine.dispose()
    threads, feedback, steps = run(read_back, url)
    assert [t["name"] for t in threads] == ["Les LLM"] and threads[0]["steps"][0]["output"] == "Un LLM est..."
    assert feedback[0]["comment"] == "clair" and feedback[0]["sources"] == ["c1"]
    assert "ix_steps_threadId" in steps


def test_columns_chainlit_added_after_its_documented_schema_are_added(postgres_database):
    """A PostgreSQL database made from Chainlit's documentation (no defaultOpen, autoCollapse, modes,
    autoPlay, playerConfig): the upgrade adds them and a step that uses them is stored."""
    async def older(engine):
        async with engine.begin() as conn:
            for sql in (
                """CREATE TABLE users ("id" UUID PRIMARY KEY, "identifier" TEXT NOT NULL UNIQUE,
                   "metadata" JSONB NOT NULL, "createdAt" TEXT)""",
                """CREATE TABLE threads ("id" UUID PRIMARY KEY, "createdAt" TEXT, "name" TEXT, "userId" UUID,
                   "userIdentifier" TEXT, "tags" TEXT[], "metadata" JSONB,
                   FOREIGN KEY ("userId") REFERENCES users("id") ON DELETE CASCADE)""",
                """CREATE TABLE steps ("id" UUID PRIMARY KEY, "name" TEXT NOT NULL, "type" TEXT NOT NULL,
                   "threadId" UUID NOT NULL, "parentId" UUID, "streaming" BOOLEAN NOT NULL, "waitForAnswer" BOOLEAN,
                   "isError" BOOLEAN, "metadata" JSONB, "tags" TEXT[], "input" TEXT, "output" TEXT, "createdAt" TEXT,
                   "command" TEXT, "start" TEXT, "end" TEXT, "generation" JSONB, "showInput" TEXT, "language" TEXT,
                   "indent" INT, FOREIGN KEY ("threadId") REFERENCES threads("id") ON DELETE CASCADE)""",
                """CREATE TABLE elements ("id" UUID PRIMARY KEY, "threadId" UUID, "type" TEXT, "url" TEXT,
                   "chainlitKey" TEXT, "name" TEXT NOT NULL, "display" TEXT, "objectKey" TEXT, "size" TEXT,
                   "page" INT, "language" TEXT, "forId" UUID, "mime" TEXT, "props" JSONB,
                   FOREIGN KEY ("threadId") REFERENCES threads("id") ON DELETE CASCADE)""",
                """CREATE TABLE feedbacks ("id" UUID PRIMARY KEY, "forId" UUID NOT NULL, "threadId" UUID NOT NULL,
                   "value" INT NOT NULL, "comment" TEXT)""",
            ):
                await conn.execute(text(sql))
    run(older, postgres_database)
    migrate.upgrade_url(postgres_database)
    found = run(schema, postgres_database)
    assert {"defaultOpen", "autoCollapse", "modes"} <= found["steps"]
    assert {"autoPlay", "playerConfig"} <= found["elements"]
    assert {"tutor_progress", "tutor_answers"} <= set(found)


def test_processes_starting_together_migrate_once(postgres_database):
    async def together(_):
        engines = [create_async_engine(postgres_database) for _ in range(3)]
        try:
            return await asyncio.gather(*(migrate.upgrade(e) for e in engines))
        finally:
            for e in engines:
                await e.dispose()
    results = run(together, postgres_database)
    assert sorted(results, key=lambda r: r[0] or "") == [(None, migrate.head())] + [(migrate.head(),) * 2] * 2


def test_tutor_db_upgrade_says_what_it_did(tutor_cli, tmp_path):
    first = tutor_cli("db", "upgrade")
    assert first.returncode == 0, first.stderr
    assert f"migrated from an empty database to revision {migrate.head()}" in first.stdout
    again = tutor_cli("db", "upgrade")
    assert "schema up to date" in again.stdout
    assert f"revision {migrate.head()}" in tutor_cli("db", "current").stdout
    broken = tutor_cli("db", "upgrade", env={**os.environ,
                                            "TUTOR_DATABASE_URL": "postgresql+asyncpg://tutor:secret@127.0.0.1:9/none"})
    assert broken.returncode == 2 and "could not reach or migrate" in broken.stderr and "secret" not in broken.stderr
