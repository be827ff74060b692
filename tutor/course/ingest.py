"""Instructor-facing indexing: lessons on disk -> validated, cleaned chunks -> `index.sync`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tutor.config import Settings
from tutor.course.index import IngestReport, sync
from tutor.course.lessons import load_lessons, split_lesson
from tutor.course.store import IndexStore, storage_failure
from tutor.providers import embedding_model_name, make_cached_embeddings


def ingest(
    settings: Settings,
    paths: list[Path] | None = None,
    progress: Callable[[int, int], None] | None = None,
    embeddings=None,
) -> IngestReport:
    """Validate every lesson under `paths` (default: the knowledge folder), then sync the index to them.

    The given paths are the whole knowledge base: lessons no longer there are removed from the index.
    Raises `LessonError` (nothing indexed), `IndexBusyError` (another writer) or `IndexWriteError` (disk full,
    no permission: nothing published, the failed build removed). `report.cleaned` lists what was removed
    from the lessons' text (template tokens, hidden characters), lesson by lesson.
    `embeddings` overrides the settings' cached embeddings (it must accept `progress=`).
    """
    lessons = load_lessons(paths or [settings.knowledge.dir], settings.knowledge.max_file_bytes)
    chunks = [
        chunk
        for lesson in lessons
        for chunk in split_lesson(lesson, settings.knowledge.chunk_size, settings.knowledge.chunk_overlap)
    ]
    cached = None
    try:
        cached = embeddings if embeddings is not None else make_cached_embeddings(settings)
        report = sync(
            IndexStore(settings.index_dir), lessons, chunks, cached,
            embedding_model_name(settings.embeddings), progress=progress,
        )
    except Exception as exc:
        failure = storage_failure(exc, settings.data_dir.resolve())
        if failure is not None:
            raise failure from exc
        raise
    finally:
        if embeddings is None and cached is not None:
            cached.close()
    report.cleaned = [
        {"lesson": lesson.id, "file": str(lesson.path), "where": c.where, "removed": list(c.removed)}
        for lesson in lessons for c in lesson.cleaned
    ]
    return report
