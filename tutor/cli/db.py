"""`tutor db`: the database's schema (history, feedback, progress), migrated by Alembic on SQLite or
PostgreSQL (TUTOR_DATABASE_URL)."""

from __future__ import annotations

from tutor.cli.output import EXIT_BAD_INPUT, err
from tutor.config import Settings


def database(settings: Settings) -> str:
    from tutor.chat.storage import database_url

    return database_url(settings.data_dir, settings.database_url)


def shown(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def cmd_db(args, settings: Settings) -> int:
    """upgrade: migrate to the newest schema (nothing to do on an up-to-date database); current: show the
    database's revision and the newest one."""
    if args.action == "upgrade":
        return upgrade(settings)
    from tutor.storage import migrate

    url = database(settings)
    try:
        revision = migrate.current_url(url)
    except Exception as exc:
        return _failed(url, exc)
    print(f"{shown(url)}: revision {revision or 'none'} (newest: {migrate.head()})")
    return 0


def upgrade(settings: Settings) -> int:
    """Migrate the settings' database to the newest schema; 0, or 2 with the reason on stderr."""
    from tutor.storage import migrate

    url = database(settings)
    try:
        before, after = migrate.upgrade_url(url)
    except Exception as exc:
        return _failed(url, exc)
    print(f"Database {shown(url)}: " + (f"schema up to date (revision {after})" if before == after else
                                        f"migrated from {before or 'an empty database'} to revision {after}"))
    return 0


def _failed(url: str, exc: Exception) -> int:
    if isinstance(exc, ModuleNotFoundError):  # asyncpg missing for a PostgreSQL URL
        err(f"{exc}: for PostgreSQL, install the extra: pip install 'tutor[postgres]'")
    else:  # unreachable server, bad URL, refused credentials
        err(f"could not reach or migrate the database {shown(url)}: {type(exc).__name__}: {exc}")
    return EXIT_BAD_INPUT
