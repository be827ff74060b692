"""What every store of the tutor's tables shares: the chat's database engine, and a schema brought up to date
by the migrations (tutor.storage.migrate) once per process before the first query."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from tutor.storage.migrate import ensure_schema


class TableStore:
    def __init__(self, engine: AsyncEngine):
        self.engine = engine

    async def ensure_tables(self) -> None:
        await ensure_schema(self.engine)
