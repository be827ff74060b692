"""The chat's history database read without Chainlit: where it is, and the feedback export for instructors.

Importing Chainlit writes its default `.chainlit/config.toml` (any origin allowed, uploads on) and a `.files/`
folder into the working directory, so `tutor feedback` reads the tables with SQLAlchemy alone.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.ext.asyncio import create_async_engine

FEEDBACK_SQL = """
    SELECT f."id" AS feedback_id, f."value" AS value, f."comment" AS comment, f."threadId" AS thread_id,
           t."userIdentifier" AS learner, r."type" AS for_type, r."input" AS run_input,
           r."output" AS for_output, r."metadata" AS for_metadata, r."createdAt" AS created_at,
           a."output" AS answer, a."metadata" AS metadata
    FROM feedbacks f
    JOIN steps r ON r."id" = f."forId"
    LEFT JOIN steps a ON a."parentId" = r."id" AND a."type" = 'assistant_message'
    LEFT JOIN threads t ON t."id" = f."threadId"
    ORDER BY r."createdAt" """


def database_url(data_dir: Path, configured: str = "") -> str:
    """The configured URL, or an SQLite file under the data directory."""
    if configured:
        return configured
    path = (data_dir / "chat.db").resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite+aiosqlite:///{path}"


async def export_feedback(url: str) -> list[dict]:
    """Every feedback with the question, the answer and its sources (none before the first chat).

    Chainlit attaches feedback to the run step of the answer (`on_message`): its input is the question and
    the assistant message is its child. Feedback given straight on a message is handled too.
    """
    engine = create_async_engine(url)
    try:
        return await read_feedback(engine)
    finally:
        await engine.dispose()


async def read_feedback(engine) -> list[dict]:
    """`export_feedback` on an open SQLAlchemy engine (the CLI's, or the chat's own data layer's)."""
    try:
        async with engine.connect() as conn:
            rows = (await conn.execute(text(FEEDBACK_SQL))).mappings().all()
    except (OperationalError, ProgrammingError) as exc:
        if "no such table" in str(exc) or "does not exist" in str(exc):
            return []
        raise
    return [feedback_row(row) for row in rows]


def feedback_row(row) -> dict:
    direct = row["for_type"] == "assistant_message"
    metadata = row["for_metadata"] if direct else row["metadata"]
    if isinstance(metadata, str):
        metadata = json.loads(metadata or "{}")
    return {
        "feedback_id": row["feedback_id"], "value": row["value"], "helpful": row["value"] == 1,
        "comment": row["comment"], "thread_id": row["thread_id"], "learner": row["learner"],
        # The run step's input is stored when the turn's handler returns, a moment after the answer (and its
        # feedback button) is on screen; the answer's own metadata carries the question from the start.
        "question": (None if direct else row["run_input"]) or (metadata or {}).get("question"),
        "answer": row["for_output"] if direct else row["answer"],
        "sources": (metadata or {}).get("citations", []), "refused": (metadata or {}).get("refused"),
        "at": row["created_at"],
    }
