"""Conversation history and feedback: Chainlit's SQLAlchemy data layer, on SQLite by default, on
PostgreSQL (asyncpg, `pip install tutor[postgres]`) with `TUTOR_DATABASE_URL`.

The tables (Chainlit's, with the columns its code writes beyond its documentation, and the tutor's own) are
created and migrated by Alembic (tutor.storage.migrate) before the first query. SQLite cannot bind lists
or dicts, so they are stored as JSON text there; on PostgreSQL, dicts go to JSONB columns as JSON text and
tags stay arrays.
"""

from __future__ import annotations

import json
from pathlib import Path

from chainlit.data.sql_alchemy import SQLAlchemyDataLayer

from tutor.storage.migrate import ensure_schema


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


def _bindable(value, sqlite: bool):
    if isinstance(value, dict) or (sqlite and isinstance(value, list)):
        return json.dumps(value)
    return value


def database_url(data_dir: Path, configured: str = "") -> str:
    """The configured URL, or an SQLite file under the data directory."""
    if configured:
        return configured
    path = (data_dir / "chat.db").resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite+aiosqlite:///{path}"


async def export_feedback(layer: TutorDataLayer) -> list[dict]:
    """Every feedback with the question, the answer and its sources.

    Chainlit attaches feedback to the run step of the answer (`on_message`): its input is the question and
    the assistant message is its child. Feedback given straight on a message is handled too.
    """
    rows = await layer.execute_sql(
        """SELECT f."id" AS feedback_id, f."value" AS value, f."comment" AS comment, f."threadId" AS thread_id,
                  t."userIdentifier" AS learner, r."type" AS for_type, r."input" AS run_input,
                  r."output" AS for_output, r."metadata" AS for_metadata, r."createdAt" AS created_at,
                  a."output" AS answer, a."metadata" AS metadata
           FROM feedbacks f
           JOIN steps r ON r."id" = f."forId"
           LEFT JOIN steps a ON a."parentId" = r."id" AND a."type" = 'assistant_message'
           LEFT JOIN threads t ON t."id" = f."threadId"
           ORDER BY r."createdAt" """, {}) or []
    out = []
    for row in rows:
        direct = row["for_type"] == "assistant_message"
        metadata = row["for_metadata"] if direct else row["metadata"]
        if isinstance(metadata, str):
            metadata = json.loads(metadata or "{}")
        out.append({
            "feedback_id": row["feedback_id"], "value": row["value"], "helpful": row["value"] == 1,
            "comment": row["comment"], "thread_id": row["thread_id"], "learner": row["learner"],
            "question": None if direct else row["run_input"],
            "answer": row["for_output"] if direct else row["answer"],
            "sources": (metadata or {}).get("citations", []), "refused": (metadata or {}).get("refused"),
            "at": row["created_at"],
        })
    return out


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
