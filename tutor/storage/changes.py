"""Every change instructors made to a course's lessons: who, when, what, the index version before and
after, and the lesson file before and after (so the change can be reverted)."""

from __future__ import annotations

import json

from sqlalchemy import insert, select

from tutor.storage import tables
from tutor.storage.events import now
from tutor.storage.store import TableStore

FIELDS = ("id", "at", "course", "by", "action", "lesson_id", "filename", "index_before", "index_after", "reverts")


class ChangeStore(TableStore):
    async def record(self, *, course: str, by: str, action: str, lesson_id: str | None = None,
                     filename: str | None = None, before_text: str | None = None, after_text: str | None = None,
                     index_before: str | None = None, index_after: str | None = None, reverts: int | None = None,
                     summary: dict | None = None) -> int:
        await self.ensure_tables()
        async with self.engine.begin() as conn:
            result = await conn.execute(insert(tables.lesson_changes).values(
                at=now(), course=course, by=by, action=action, lesson_id=lesson_id, filename=filename,
                before_text=before_text, after_text=after_text, index_before=index_before,
                index_after=index_after, reverts=reverts, summary=json.dumps(summary or {}, ensure_ascii=False)))
            return result.inserted_primary_key[0]

    async def list(self, course: str) -> list[dict]:
        """The course's changes, newest first, without the file contents."""
        await self.ensure_tables()
        columns = [tables.lesson_changes.c[name] for name in FIELDS] + [tables.lesson_changes.c.summary]
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(*columns).where(tables.lesson_changes.c.course == course)
                                       .order_by(tables.lesson_changes.c.id.desc()))).mappings()
            return [dict(row, summary=json.loads(row["summary"] or "{}")) for row in rows]

    async def get(self, change_id: int) -> dict | None:
        await self.ensure_tables()
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(tables.lesson_changes).where(
                tables.lesson_changes.c.id == change_id))).mappings().first()
            return dict(row) if row else None

    async def latest(self, course: str, lesson_id: str) -> dict | None:
        """The last change of one lesson (the one a revert undoes)."""
        await self.ensure_tables()
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(tables.lesson_changes).where(
                tables.lesson_changes.c.course == course, tables.lesson_changes.c.lesson_id == lesson_id)
                .order_by(tables.lesson_changes.c.id.desc()).limit(1))).mappings().first()
            return dict(row) if row else None
