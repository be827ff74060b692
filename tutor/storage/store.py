"""What every store of the tutor's tables shares: the chat's database engine, and tables created once."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from tutor.storage import tables


class TableStore:
    def __init__(self, engine: AsyncEngine):
        self.engine = engine
        self._ready = False

    async def ensure_tables(self) -> None:
        if not self._ready:
            async with self.engine.begin() as conn:
                await conn.run_sync(tables.metadata.create_all)
            self._ready = True
