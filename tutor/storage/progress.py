"""Learners' progress in the database: one row per (learner, lesson), and every graded answer."""

from __future__ import annotations

import json

from sqlalchemy import insert, select, update

from tutor.storage import tables
from tutor.storage.store import TableStore
from tutor.teaching.progress import LessonProgress, now


class ProgressStore(TableStore):
    """Reads and writes progress through the chat's database engine. Every query is scoped to one learner."""

    async def load(self, learner: str) -> dict[str, LessonProgress]:
        await self.ensure_tables()
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(tables.progress).where(tables.progress.c.learner == learner))).mappings()
            return {row["lesson_id"]: _lesson(row) for row in rows}

    async def record(self, learner: str, lesson_id: str, verdict: str, *, item_id: str, kind: str,
                     question: str) -> LessonProgress:
        """Count one graded answer; "revealed" (the learner asked for the answer) counts as incorrect."""
        await self.ensure_tables()
        at = now()
        async with self.engine.begin() as conn:
            row = (await conn.execute(select(tables.progress).where(
                tables.progress.c.learner == learner, tables.progress.c.lesson_id == lesson_id))).mappings().first()
            lesson = _lesson(row) if row else LessonProgress(lesson_id)
            lesson.record("incorrect" if verdict == "revealed" else verdict, at)
            values = {"answers": lesson.answers, "correct": lesson.correct, "partial": lesson.partial,
                      "incorrect": lesson.incorrect, "score": lesson.score, "card": json.dumps(lesson.card),
                      "updated_at": lesson.updated_at}
            if row:
                await conn.execute(update(tables.progress).where(
                    tables.progress.c.learner == learner, tables.progress.c.lesson_id == lesson_id).values(**values))
            else:
                await conn.execute(insert(tables.progress).values(learner=learner, lesson_id=lesson_id, **values))
            await conn.execute(insert(tables.answers).values(
                learner=learner, lesson_id=lesson_id, item_id=item_id, kind=kind, question=question[:2000],
                verdict=verdict, at=at.isoformat(timespec="seconds")))
        return lesson

    async def recent_items(self, learner: str, n: int = 50) -> list[str]:
        """The ids of the items this learner answered last, newest first (so a quiz does not repeat them)."""
        await self.ensure_tables()
        async with self.engine.connect() as conn:
            rows = await conn.execute(select(tables.answers.c.item_id).where(tables.answers.c.learner == learner)
                                      .order_by(tables.answers.c.id.desc()).limit(n))
            return [r[0] for r in rows]


def _lesson(row) -> LessonProgress:
    return LessonProgress(row["lesson_id"], row["answers"], row["correct"], row["partial"], row["incorrect"],
                          row["score"], json.loads(row["card"]) if row["card"] else None, row["updated_at"] or "")
