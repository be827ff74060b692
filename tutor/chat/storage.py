"""Conversation history and feedback: Chainlit's SQLAlchemy data layer, on SQLite by default.

Chainlit documents its tables for PostgreSQL only, and its code writes a few more columns than the
documentation lists (`steps.autoCollapse`, `steps.modes`, `elements.autoPlay`, `elements.playerConfig`):
the SQLite schema below has them all and is created at start-up. SQLite cannot bind lists or dicts, so
they are stored as JSON text. With `TUTOR_DATABASE_URL` set to a PostgreSQL URL, the tables are expected
to exist (Chainlit's documented schema plus the columns above).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from chainlit.data.sql_alchemy import SQLAlchemyDataLayer
from sqlalchemy import text

from tutor.chat.database import database_url as database_url
from tutor.chat.throttle import message_too_long

log = logging.getLogger(__name__)

SQLITE_SCHEMA = [
    """CREATE TABLE IF NOT EXISTS users ("id" TEXT PRIMARY KEY, "identifier" TEXT NOT NULL UNIQUE,
        "metadata" TEXT NOT NULL, "createdAt" TEXT)""",
    """CREATE TABLE IF NOT EXISTS threads ("id" TEXT PRIMARY KEY, "createdAt" TEXT, "name" TEXT, "userId" TEXT,
        "userIdentifier" TEXT, "tags" TEXT, "metadata" TEXT,
        FOREIGN KEY ("userId") REFERENCES users("id") ON DELETE CASCADE)""",
    """CREATE TABLE IF NOT EXISTS steps ("id" TEXT PRIMARY KEY, "name" TEXT NOT NULL, "type" TEXT NOT NULL,
        "threadId" TEXT NOT NULL, "parentId" TEXT, "streaming" INTEGER NOT NULL, "waitForAnswer" INTEGER,
        "isError" INTEGER, "metadata" TEXT, "tags" TEXT, "input" TEXT, "output" TEXT, "createdAt" TEXT,
        "command" TEXT, "start" TEXT, "end" TEXT, "generation" TEXT, "showInput" TEXT, "language" TEXT,
        "indent" INTEGER, "defaultOpen" INTEGER, "autoCollapse" INTEGER, "modes" TEXT,
        FOREIGN KEY ("threadId") REFERENCES threads("id") ON DELETE CASCADE)""",
    """CREATE TABLE IF NOT EXISTS elements ("id" TEXT PRIMARY KEY, "threadId" TEXT, "type" TEXT, "url" TEXT,
        "chainlitKey" TEXT, "name" TEXT NOT NULL, "display" TEXT, "objectKey" TEXT, "size" TEXT,
        "page" INTEGER, "language" TEXT, "forId" TEXT, "mime" TEXT, "props" TEXT, "autoPlay" INTEGER,
        "playerConfig" TEXT, FOREIGN KEY ("threadId") REFERENCES threads("id") ON DELETE CASCADE)""",
    """CREATE TABLE IF NOT EXISTS feedbacks ("id" TEXT PRIMARY KEY, "forId" TEXT NOT NULL,
        "threadId" TEXT NOT NULL, "value" INTEGER NOT NULL, "comment" TEXT,
        FOREIGN KEY ("threadId") REFERENCES threads("id") ON DELETE CASCADE)""",
]


class TutorDataLayer(SQLAlchemyDataLayer):
    """Chainlit's SQLAlchemy layer, with lists and dicts stored as JSON where the database needs it."""

    def __init__(self, conninfo: str, **kwargs):
        super().__init__(conninfo, **kwargs)
        self.is_sqlite = conninfo.startswith("sqlite")
        self._schema_ready = not self.is_sqlite

    async def ensure_schema(self) -> None:
        if self._schema_ready:
            return
        async with self.engine.begin() as conn:
            for statement in SQLITE_SCHEMA:
                await conn.execute(text(statement))
        self._schema_ready = True

    async def execute_sql(self, query: str, parameters: dict):
        await self.ensure_schema()
        if self.is_sqlite:
            parameters = {k: json.dumps(v) if isinstance(v, (list, dict)) else v for k, v in parameters.items()}
        return await super().execute_sql(query, parameters)

    # A learner's message over the length limit is never stored, whichever way it came (the socket refuses it
    # first; this also covers buttons whose payload becomes a message, and edits).
    async def create_step(self, step_dict):
        if _over_limit(step_dict):
            return None
        return await super().create_step(step_dict)

    async def update_step(self, step_dict):
        if _over_limit(step_dict):
            return None
        return await super().update_step(step_dict)

    async def owner_of_step(self, step_id: str) -> tuple[str, str] | None:
        """(thread id, learner identifier) of a stored message or step, or None."""
        rows = await self.execute_sql(
            """SELECT s."threadId" AS thread_id, t."userIdentifier" AS learner FROM steps s
               JOIN threads t ON t."id" = s."threadId" WHERE s."id" = :step_id""", {"step_id": step_id})
        return (rows[0]["thread_id"], rows[0]["learner"]) if isinstance(rows, list) and rows else None

    async def owner_of_feedback(self, feedback_id: str) -> tuple[str, str, str] | None:
        """(step id, thread id, learner identifier) of a stored feedback, or None."""
        rows = await self.execute_sql(
            """SELECT f."forId" AS for_id, f."threadId" AS thread_id, t."userIdentifier" AS learner
               FROM feedbacks f LEFT JOIN threads t ON t."id" = f."threadId" WHERE f."id" = :feedback_id""",
            {"feedback_id": feedback_id})
        return (rows[0]["for_id"], rows[0]["thread_id"], rows[0]["learner"]) if isinstance(rows, list) and rows \
            else None


    async def get_all_user_threads(self, user_id=None, thread_id=None):
        """Chainlit's threads, with each element's props decoded: a comparison shown again on resume needs
        them as an object, and the base layer hands back the stored JSON text."""
        threads = await super().get_all_user_threads(user_id=user_id, thread_id=thread_id)
        for thread in threads or []:
            for element in thread.get("elements") or []:
                if isinstance(element.get("props"), str):
                    element["props"] = json.loads(element["props"] or "{}")
        return threads


def _over_limit(step_dict) -> bool:
    if step_dict.get("type") != "user_message" or not message_too_long(step_dict.get("output") or ""):
        return False
    log.warning("a learner's message of %d characters was not stored (over the limit)", len(step_dict["output"]))
    return True


# Element types served back as themselves (sources, generated images, comparison props); anything else,
# HTML included, is served as plain text.
SERVED_TYPES = {"text/plain", "image/png", "image/jpeg", "image/webp", "application/json"}


class LocalStorageClient:
    """Keeps element files (the sources shown beside answers) under the data directory; Chainlit ships only
    cloud storage clients. Files are served by `tutor.chat.app` to the learner who owns them, nobody else."""

    def __init__(self, root: Path, url_prefix: str = "/tutor/elements"):
        self.root = root
        self.url_prefix = url_prefix

    def path_for(self, object_key: str) -> Path | None:
        path = (self.root / object_key).resolve()
        return path if path.is_relative_to(self.root.resolve()) else None

    async def upload_file(self, object_key: str, data, mime: str = "application/octet-stream",
                          overwrite: bool = True, content_disposition: str | None = None) -> dict:
        path = self.path_for(object_key)
        if path is None:
            return {}
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        self._mime_path(path).write_text(mime if mime in SERVED_TYPES else "text/plain", encoding="utf-8")
        return {"object_key": object_key, "url": f"{self.url_prefix}/{object_key}"}

    @staticmethod
    def _mime_path(path: Path) -> Path:
        return path.with_name(path.name + ".mime")

    def media_type(self, path: Path) -> str:
        """What to serve a stored file as: its upload type when safe (never HTML), else plain text."""
        stored = self._mime_path(path)
        kind = stored.read_text(encoding="utf-8").strip() if stored.is_file() else "text/plain"
        return kind if kind in SERVED_TYPES else "text/plain"

    async def delete_file(self, object_key: str) -> bool:
        path = self.path_for(object_key)
        if path is not None and path.exists():
            path.unlink()
            self._mime_path(path).unlink(missing_ok=True)
            return True
        return False

    async def get_read_url(self, object_key: str) -> str:
        return f"{self.url_prefix}/{object_key}"

    async def close(self) -> None:
        pass
