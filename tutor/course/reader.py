"""Reading the published index: a snapshot of one version, reopened when a newer one is published."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path

from tutor.course.index import chunk_from_record
from tutor.course.lessons import Chunk
from tutor.course.store import COLLECTION, IndexMissingError, IndexStore, open_chroma


@dataclass(frozen=True)
class Snapshot:
    """One published version, open for reading: its Chroma collection and its chunks in order."""

    name: str
    client: object
    collection: object
    chunks: tuple[Chunk, ...]
    lessons: tuple[dict, ...]
    embedding_model: str
    by_id: dict[str, Chunk]

    def chunk(self, chunk_id: str) -> Chunk | None:
        return self.by_id.get(chunk_id)

    def vectors(self, ids: list[str]) -> dict[str, list[float]]:
        """The stored embeddings of these chunks, by id."""
        if not ids:
            return {}
        stored = self.collection.get(ids=list(ids), include=["embeddings"])
        return {cid: [float(x) for x in vector] for cid, vector in zip(stored["ids"], stored["embeddings"])}

    def dense_search(self, vector: list[float], k: int) -> list[tuple[Chunk, float]]:
        """Nearest chunks by cosine similarity (1 - Chroma's cosine distance)."""
        k = min(k, len(self.chunks))
        if k == 0:
            return []
        found = self.collection.query(query_embeddings=[vector], n_results=k, include=["distances"])
        return [(self.by_id[cid], 1.0 - dist) for cid, dist in zip(found["ids"][0], found["distances"][0])
                if cid in self.by_id]


class IndexReader:
    """Serves the published version; `snapshot()` moves to a newer one as soon as it is published.

    A caller keeps the snapshot it got for a whole question, so one answer never mixes two versions.
    """

    def __init__(self, root: Path):
        self.store = IndexStore(root)
        self._snapshot: Snapshot | None = None
        self._previous: Snapshot | None = None
        self._lock = threading.Lock()

    def snapshot(self) -> Snapshot:
        name = self.store.current_name()
        if name is None:
            raise IndexMissingError(f"no index in {self.store.root}: run `tutor ingest`")
        with self._lock:
            current = self._snapshot
            if current is not None and current.name == name:
                return current
            return self._open(name, current)

    def _open(self, name: str, current: Snapshot | None) -> Snapshot:
        path = self.store.versions / name
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        client = open_chroma(path)
        chunks = tuple(chunk_from_record(r) for r in manifest["chunks"])
        snap = Snapshot(
            name=name, client=client, collection=client.get_collection(COLLECTION, embedding_function=None),
            chunks=chunks, lessons=tuple(manifest["lessons"]), embedding_model=manifest["embedding_model"],
            by_id={c.id: c for c in chunks},
        )
        # Questions in flight may still hold the previous snapshot; the one before it is done with.
        if self._previous is not None:
            self._previous.client.close()
        self._previous, self._snapshot = current, snap
        return snap

    def chunk(self, chunk_id: str) -> Chunk | None:
        """A chunk of the published version by id (None when absent or when there is no index yet)."""
        try:
            return self.snapshot().chunk(chunk_id)
        except IndexMissingError:
            return None

    def lessons(self) -> tuple[dict, ...]:
        """The published version's lessons (id, title, order, chunks...), or none before the first ingest."""
        try:
            return self.snapshot().lessons
        except IndexMissingError:
            return ()
