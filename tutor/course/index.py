"""The knowledge index: Chroma (embedded) in versioned directories, published by an atomic pointer swap.

Layout under `root` (settings.index_dir):

    CURRENT                  name of the published version (replaced atomically with os.replace)
    versions/<name>/         one complete index: Chroma files + manifest.json (lessons and chunks)
    versions/<name>.tmp/     a version being built; never read, removed by the next ingest
    .ingest.lock             held by the one process allowed to write

A new version starts as a copy of the current one, gets only the changes, and is published when
complete: readers see the old index or the new one, never a mix, and a failed or killed ingest leaves
the previous version serving. A published version is never written again.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from tutor.course import keywords
from tutor.course.lessons import Chunk, Lesson
from tutor.errors import LearnerError
from tutor.i18n import Text

COLLECTION = "chunks"
KEEP_VERSIONS = 3  # the current one plus two older ones that readers may still hold open
_ADD_BATCH = 1000


class IndexBusyError(RuntimeError):
    """Another process is writing the index."""


class IndexMissingError(LearnerError):
    """No index has been built yet."""

    def __init__(self, detail: str = ""):
        super().__init__("index_missing", Text(
            "Le cours n'est pas encore indexé : lancez `tutor ingest`, puis reposez votre question.",
            "The course is not indexed yet: run `tutor ingest`, then ask again."), detail)


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

    def as_dict(self) -> dict:
        return asdict(self)


def open_chroma(path: Path):
    """An embedded Chroma client with telemetry off (never Chroma's HTTP server)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    return chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))


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
    return Chunk(
        id=record["id"], lesson_id=record["lesson_id"], lesson_title=record["lesson_title"],
        section=record["section"], heading_path=tuple(record["heading_path"]),
        position=record["position"], text=record["text"], source=record.get("source", ""),
        tags=tuple(record.get("tags", ())),
    )


class IndexStore:
    """Paths, the CURRENT pointer and the writer lock of one index root."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.versions = self.root / "versions"

    def current_name(self) -> str | None:
        try:
            name = (self.root / "CURRENT").read_text().strip()
        except FileNotFoundError:
            return None
        return name if name and (self.versions / name / "manifest.json").exists() else None

    def current_dir(self) -> Path:
        name = self.current_name()
        if name is None:
            raise IndexMissingError(f"no index in {self.root}: run `tutor ingest`")
        return self.versions / name

    def manifest(self) -> dict | None:
        name = self.current_name()
        if name is None:
            return None
        return json.loads((self.versions / name / "manifest.json").read_text(encoding="utf-8"))

    def lock(self) -> FileLock:
        self.root.mkdir(parents=True, exist_ok=True)
        return FileLock(str(self.root / ".ingest.lock"))

    def publish(self, name: str) -> None:
        tmp = self.root / f"CURRENT.{uuid.uuid4().hex}.tmp"
        with open(tmp, "w") as fh:
            fh.write(name)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.root / "CURRENT")

    def prune(self) -> None:
        """Remove unfinished builds and all but the newest KEEP_VERSIONS published versions."""
        if not self.versions.exists():
            return
        current = self.current_name()
        for path in self.versions.glob("*.tmp"):
            shutil.rmtree(path, ignore_errors=True)
        published = sorted(p for p in self.versions.iterdir() if p.is_dir() and not p.name.endswith(".tmp"))
        for path in published[:-KEEP_VERSIONS]:
            if path.name != current:
                shutil.rmtree(path, ignore_errors=True)
        for path in self.root.glob("CURRENT.*.tmp"):
            path.unlink(missing_ok=True)


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
        store.versions.mkdir(parents=True, exist_ok=True)
        if same_model:
            shutil.copytree(store.current_dir(), building, ignore=shutil.ignore_patterns("manifest.json", keywords.FOLDER))
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
