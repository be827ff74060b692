"""Instructor-facing indexing: lessons on disk -> validated chunks -> `index.sync`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tutor.config import Settings
from tutor.course.index import IndexStore, IngestReport, sync
from tutor.course.lessons import load_lessons, split_lesson
from tutor.providers import embedding_model_name, make_cached_embeddings


def ingest(
    settings: Settings,
    paths: list[Path] | None = None,
    progress: Callable[[int, int], None] | None = None,
    embeddings=None,
) -> IngestReport:
    """Validate every lesson under `paths` (default: the knowledge folder), then sync the index to them.

    The given paths are the whole knowledge base: lessons no longer there are removed from the index.
    Raises `LessonError` (nothing indexed) or `IndexBusyError` (another writer).
    `embeddings` overrides the settings' cached embeddings (it must accept `progress=`).
    """
    lessons = load_lessons(paths or [settings.knowledge.dir], settings.knowledge.max_file_bytes)
    chunks = [
        chunk
        for lesson in lessons
        for chunk in split_lesson(lesson, settings.knowledge.chunk_size, settings.knowledge.chunk_overlap)
    ]
    cached = embeddings if embeddings is not None else make_cached_embeddings(settings)
    try:
        return sync(
            IndexStore(settings.index_dir), lessons, chunks, cached,
            embedding_model_name(settings.embeddings), progress=progress,
        )
    finally:
        if embeddings is None:
            cached.close()
