"""Conversation history and feedback: Chainlit's SQLAlchemy data layer, on SQLite by default, on
PostgreSQL (asyncpg, `pip install tutor[postgres]`) with `TUTOR_DATABASE_URL`.

The tables (Chainlit's, with the columns its code writes beyond its documentation, and the tutor's own) are
created and migrated by Alembic (tutor.storage.migrate) before the first query. SQLite cannot bind lists
or dicts, so they are stored as JSON text there; on PostgreSQL, dicts go to JSONB columns as JSON text and
tags stay arrays.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from chainlit.data.sql_alchemy import SQLAlchemyDataLayer

from tutor.chat.database import FEEDBACK_SQL, feedback_row
from tutor.chat.database import database_url as database_url
from tutor.chat.throttle import message_too_long
from tutor.storage.migrate import ensure_schema

log = logging.getLogger(__name__)


class TutorDataLayer(SQLAlchemyDataLayer):
    """Chainlit's SQLAlchemy layer on a migrated schema, with lists and dicts bound as the database needs."""

    def __init__(self, conninfo: str, **kwargs):
        super().__init__(conninfo, **kwargs)
        self.is_sqlite = conninfo.startswith("sqlite")

    async def ensure_schema(self) -> None:
        await ensure_schema(self.engine)

    async def execute_sql(self, query: str, parameters: dict):
        await self.ensure_schema()
        parameters = {k: _bindable(v, self.is_sqlite) for k, v in parameters.items()}
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

    async def _get_user_id_by_thread(self, thread_id: str) -> str | None:
        """The owner under whose folder Chainlit stores an element (`<owner id>/<element id>/<name>`). Chainlit
        reads it from the thread's row, which a background task may not have written yet when the first
        answer's sources are stored: they then went to `unknown/`, and their learner got 404 for them. The
        learner of the session whose own thread it is owns them then."""
        owner = await super()._get_user_id_by_thread(thread_id)
        if owner:
            return owner
        try:
            from chainlit.context import context

            session = context.session
        except Exception:  # noqa: BLE001 - outside a chat (a script): no session to ask
            return None
        return getattr(session.user, "id", None) if session.thread_id == thread_id else None

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
        """Chainlit's threads, with each element's props decoded (a comparison shown again on resume needs
        them as an object, and the base layer hands back the stored JSON text), and on SQLite the tags and metadata
        decoded as they come from PostgreSQL."""
        threads = await super().get_all_user_threads(user_id=user_id, thread_id=thread_id)
        for thread in threads or []:
            for element in thread.get("elements") or []:
                if isinstance(element.get("props"), str):
                    element["props"] = json.loads(element["props"] or "{}")
            for item in [thread, *(thread.get("steps") or [])]:
                for key in ("tags", "metadata", "generation"):
                    if isinstance(item.get(key), str):  # JSON text on SQLite, decoded as on PostgreSQL
                        item[key] = json.loads(item[key] or "null")
        return threads


def _over_limit(step_dict) -> bool:
    if step_dict.get("type") != "user_message" or not message_too_long(step_dict.get("output") or ""):
        return False
    log.warning("a learner's message of %d characters was not stored (over the limit)", len(step_dict["output"]))
    return True


def _bindable(value, sqlite: bool):
    if isinstance(value, dict) or (sqlite and isinstance(value, list)):
        return json.dumps(value)
    return value


async def export_feedback(layer: TutorDataLayer) -> list[dict]:
    """Every feedback with the question, the answer and its sources, read through the chat's own layer."""
    return [feedback_row(row) for row in await layer.execute_sql(FEEDBACK_SQL, {}) or []]


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
