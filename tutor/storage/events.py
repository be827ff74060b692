"""The log of what the engine decided at every learner turn (answered, declined and why, repaired), which
instructors read as gaps and progress. One row per turn; instructors mark declined questions handled."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert, select, update

from tutor.storage import tables
from tutor.storage.store import TableStore


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def event_row(result, *, course: str, learner: str | None, thread_id: str | None = None,
              message_id: str | None = None) -> dict:
    """A turn's outcome (a `TutorResult`) as a row of `tutor_events`."""
    closest = (result.closest_lessons or [{}])[0].get("id") if result.refused else None
    return {
        "at": now(), "course": course, "learner": learner, "thread_id": thread_id, "message_id": message_id,
        "act": result.act or "question", "refused": int(bool(result.refused)), "refusal_reason": result.refusal_reason,
        "question": (result.question or "")[:2000], "language": result.language,
        "lesson_id": result.citations[0].lesson if result.citations else None, "closest_lesson": closest,
        "unsupported": len(result.unsupported_sentences or ()), "dropped": len(result.dropped_citations or ()),
        "index_version": result.index_version or None,
    }


class EventStore(TableStore):
    async def log(self, row: dict) -> int:
        await self.ensure_tables()
        async with self.engine.begin() as conn:
            return (await conn.execute(insert(tables.events).values(**row))).inserted_primary_key[0]

    async def list(self, course: str | None = None) -> list[dict]:
        """Every turn of a course (all courses when None), oldest first."""
        await self.ensure_tables()
        query = select(tables.events).order_by(tables.events.c.id)
        if course is not None:
            query = query.where(tables.events.c.course == course)
        async with self.engine.connect() as conn:
            return [dict(row) for row in (await conn.execute(query)).mappings()]

    async def mark_handled(self, ids: list[int], by: str, action: str, course: str) -> int:
        """Mark these turns handled (a gap group), within one course; how many rows changed."""
        await self.ensure_tables()
        async with self.engine.begin() as conn:
            done = await conn.execute(update(tables.events).where(
                tables.events.c.id.in_([int(i) for i in ids]), tables.events.c.course == course).values(
                handled_at=now(), handled_by=by, handled_action=action))
            return done.rowcount
