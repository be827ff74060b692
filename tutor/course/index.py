"""The knowledge index: Chroma (embedded) in versioned directories, published by an atomic pointer swap
(the layout and the pointer are in tutor.course.store).

A new version starts as a copy of the current one, gets only the changes, and is published when
complete: readers see the old index or the new one, never a mix, and a failed or killed ingest leaves
the previous version serving (a failed build is removed at once). A published version is never written again.
"""

from __future__ import annotations

import json
import shutil
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from filelock import Timeout

from tutor.course import keywords
from tutor.course.lessons import Chunk, Lesson
from tutor.course.sanitize import clean_field
from tutor.course.store import COLLECTION as COLLECTION
from tutor.course.store import IndexBusyError as IndexBusyError
from tutor.course.store import IndexMissingError as IndexMissingError
from tutor.course.store import IndexStore as IndexStore
from tutor.course.store import open_chroma as open_chroma

_ADD_BATCH = 1000


@dataclass
class IngestReport:
    lessons: int = 0
    chunks: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    seconds: float = 0.0
    embedded: int = 0
    version: str = ""
    lessons_added: list[str] = field(default_factory=list)
    lessons_updated: list[str] = field(default_factory=list)
    lessons_removed: list[str] = field(default_factory=list)
    # What was removed from lessons' text before indexing: {"lesson", "file", "where", "removed"}.
    cleaned: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def _chunk_record(chunk: Chunk) -> dict:
    record = asdict(chunk)
    record["heading_path"] = list(chunk.heading_path)
    record["tags"] = list(chunk.tags)
    record["content_hash"] = chunk.content_hash
    return record


def _chroma_metadata(chunk: Chunk) -> dict:
    return {
        "lesson_id": chunk.lesson_id, "lesson_title": chunk.lesson_title, "section": chunk.section,
        "heading_path": " > ".join(chunk.heading_path), "position": chunk.position,
        "content_hash": chunk.content_hash, "source": chunk.source,
    }


def chunk_from_record(record: dict) -> Chunk:
    """A chunk read back from a manifest. Its one-line fields are cleaned again: an index built before lesson
    text was cleaned at ingest must not bring template tokens back to the model."""
    return Chunk(
        id=record["id"], lesson_id=record["lesson_id"], lesson_title=clean_field(record["lesson_title"]),
        section=clean_field(record["section"]), heading_path=tuple(clean_field(h) for h in record["heading_path"]),
        position=record["position"], text=record["text"], source=record.get("source", ""),
        tags=tuple(record.get("tags", ())),
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def sync(
    store: IndexStore,
    lessons: list[Lesson],
    chunks: list[Chunk],
    embeddings,
    model_name: str,
    progress: Callable[[int, int], None] | None = None,
) -> IngestReport:
    """Bring the index in line with `lessons`/`chunks`, embedding only new or changed chunks.

    `embeddings` must offer `embed_documents(texts, progress=...)` (see `CachedEmbeddings`).
    `progress(done, total)` is called as chunks are embedded. Raises IndexBusyError if another process
    holds the lock. Nothing is published unless the whole new version was written.
    """
    started = time.perf_counter()
    lock = store.lock()
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise IndexBusyError(
            f"another `tutor ingest` is writing {store.root}; wait for it to finish and try again"
        ) from None
    try:
        store.prune()
        old = store.manifest()
        same_model = old is not None and old.get("embedding_model") == model_name
        old_chunks = {c["id"]: c for c in old["chunks"]} if same_model else {}
        new_chunks = {c.id: c for c in chunks}

        added = [c for cid, c in new_chunks.items() if cid not in old_chunks]
        updated = [c for cid, c in new_chunks.items()
                   if cid in old_chunks and old_chunks[cid]["content_hash"] != c.content_hash]
        removed = [cid for cid in old_chunks if cid not in new_chunks]
        unchanged = len(new_chunks) - len(added) - len(updated)

        old_lessons = {lesson["id"]: lesson for lesson in old["lessons"]} if same_model else {}
        report = IngestReport(
            lessons=len(lessons), chunks=len(chunks), added=len(added), updated=len(updated),
            removed=len(removed), unchanged=unchanged,
        )
        changed_lessons = {c.lesson_id for c in added + updated} | {
            old_chunks[cid]["lesson_id"] for cid in removed
        }
        per_lesson = Counter(c.lesson_id for c in chunks)
        lesson_records = []
        for lesson in lessons:
            previous = old_lessons.get(lesson.id)
            same = previous is not None and previous["file_hash"] == lesson.file_hash \
                and lesson.id not in changed_lessons
            if previous is None:
                report.lessons_added.append(lesson.id)
            elif not same:
                report.lessons_updated.append(lesson.id)
            lesson_records.append({
                "id": lesson.id, "title": lesson.title, "order": lesson.order, "path": str(lesson.path),
                "tags": list(lesson.tags), "file_hash": lesson.file_hash,
                "chunks": per_lesson[lesson.id],
                "indexed_at": previous["indexed_at"] if same else _now(),
            })
        report.lessons_removed = sorted(set(old_lessons) - {lesson.id for lesson in lessons})

        nothing_changed = same_model and not (added or updated or removed) and \
            [dict(r, indexed_at=None) for r in lesson_records] == \
            [dict(r, indexed_at=None) for r in old["lessons"]]
        if nothing_changed:
            report.version = store.current_name() or ""
            report.seconds = round(time.perf_counter() - started, 3)
            return report

        to_embed = added + updated
        done = 0

        def tick(n: int) -> None:
            nonlocal done
            done += n
            if progress is not None:
                progress(done, len(to_embed))

        name = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
        building = store.versions / f"{name}.tmp"
        try:
            store.versions.mkdir(parents=True, exist_ok=True)
            if same_model:
                shutil.copytree(store.current_dir(), building,
                                ignore=shutil.ignore_patterns("manifest.json", keywords.FOLDER))
            else:
                building.mkdir()
            dimensions = _write_chroma(building, removed, to_embed, embeddings, tick) or (old or {}).get("dimensions")
            report.embedded = getattr(embeddings, "misses", len(to_embed))
            keywords.save(keywords.build(chunks), building)
            _write_manifest(building / "manifest.json", {
                "version": name, "created_at": _now(), "embedding_model": model_name, "dimensions": dimensions,
                "lessons": lesson_records}, chunks)
            building.rename(store.versions / name)
            store.publish(name)
        except BaseException:
            # A failed build (disk full...) must not hold on to the space it took; CURRENT still names the
            # previous version, so nothing a reader uses is removed.
            store.discard(building)
            if store.current_name() != name:
                store.discard(store.versions / name)
            raise
        store.prune()
        report.version = name
        report.seconds = round(time.perf_counter() - started, 3)
        return report
    finally:
        lock.release()


def _write_chroma(path: Path, removed: list[str], chunks: list[Chunk], embeddings, tick) -> int | None:
    """Apply the changes to the Chroma files in `path`, embedding and writing one batch at a time (memory
    stays flat whatever the size of the course). Returns the vectors' dimension (None: nothing embedded)."""
    client = open_chroma(path)
    dimensions = None
    try:
        collection = client.get_or_create_collection(
            COLLECTION, metadata={"hnsw:space": "cosine"}, embedding_function=None
        )
        for start in range(0, len(removed), _ADD_BATCH):
            collection.delete(ids=removed[start:start + _ADD_BATCH])
        for start in range(0, len(chunks), _ADD_BATCH):
            part = chunks[start:start + _ADD_BATCH]
            vectors = embeddings.embed_documents([c.embed_text for c in part], progress=tick)
            dimensions = len(vectors[0])
            collection.upsert(
                ids=[c.id for c in part], embeddings=vectors, documents=[c.text for c in part],
                metadatas=[_chroma_metadata(c) for c in part],
            )
    finally:
        client.close()  # release Chroma's files before the directory is renamed
    return dimensions


def _write_manifest(path: Path, head: dict, chunks: list[Chunk]) -> None:
    """The manifest, written chunk by chunk rather than as one big string."""
    with open(path, "w", encoding="utf-8") as out:
        out.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "chunks": [')
        for n, chunk in enumerate(chunks):
            out.write(("," if n else "") + json.dumps(_chunk_record(chunk), ensure_ascii=False))
        out.write("]}")
