"""Reading the published index: a snapshot of one version, reopened when a newer one is published.

Several processes (chat servers, the CLI) read one index root while at most one writes it. Chroma writes
into a directory it merely opens and queries (its SQLite file, the HNSW segment's files), so a reader
never opens a published version in place: each snapshot opens its own copy, `readers/<host>-<pid>-<id>`,
removed when the snapshot is dropped or its process ends (copies left by killed processes are removed by
the next reader). Published versions are therefore never written after they are published, by anyone.
When the data folder is full or read-only the copy goes to the system's temporary folder, and when that
fails too the version is read in place: an index that serves beats a tidy one that does not.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import tempfile
import threading
import uuid
import weakref
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from tutor.course import keywords
from tutor.course.index import chunk_from_record
from tutor.course.lessons import Chunk
from tutor.course.store import COLLECTION, IndexMissingError, IndexStore, open_chroma
from tutor.i18n import detect_language
from tutor.text import analyze

log = logging.getLogger(__name__)


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
    path: Path | None = None  # the published version (read in place: the manifest, the keyword index)

    def chunk(self, chunk_id: str) -> Chunk | None:
        return self.by_id.get(chunk_id)

    @cached_property
    def vocabulary(self) -> set[str]:
        """Every meaning word of this version's chunks (computed once)."""
        return set().union(*(analyze(c.embed_text) for c in self.chunks))

    @cached_property
    def language(self) -> str:
        """The language the course is written in ("fr" or "en"), read from its chunks (computed once)."""
        return detect_language(" ".join(c.text for c in self.chunks[:40]))

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
        self._copies = self.store.root / "readers"
        self._orphans_removed = False

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
        copy = self._private_copy(path)
        client = open_chroma(copy)
        chunks = tuple(chunk_from_record(r) for r in manifest["chunks"])
        snap = Snapshot(
            name=name, client=client, collection=client.get_collection(COLLECTION, embedding_function=None),
            chunks=chunks, lessons=tuple(manifest["lessons"]), embedding_model=manifest["embedding_model"],
            by_id={c.id: c for c in chunks}, path=path,
        )
        # The copy goes when the snapshot is collected or the process exits, whichever comes first.
        weakref.finalize(snap, _discard, client, copy)
        # Questions in flight may still hold the previous snapshot; the one before it is done with.
        if self._previous is not None:
            self._previous.client.close()
        self._previous, self._snapshot = current, snap
        return snap

    def _private_copy(self, version: Path) -> Path:
        """A copy of a published version's Chroma files for one snapshot (the manifest is read in place)."""
        if not self._orphans_removed:
            self._remove_orphans()
            self._orphans_removed = True
        name = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}-{version.name}"
        # A full or read-only data folder must not stop the published version from serving: the copy then
        # goes to the system's temporary folder and, failing that too, the version is opened in place.
        for folder in self._folders():
            target = folder / name
            try:
                shutil.copytree(version, target, ignore=shutil.ignore_patterns("manifest.json", keywords.FOLDER))
                return target
            except (OSError, shutil.Error) as error:
                shutil.rmtree(target, ignore_errors=True)
                log.warning("cannot copy the index for reading into %s (%s)", folder, _first_line(error))
        log.warning("reading the published index %s in place", version.name)
        return version

    def _folders(self) -> tuple[Path, Path]:
        return self._copies, Path(tempfile.gettempdir()) / "tutor-readers"

    def _remove_orphans(self) -> None:
        """Copies left by readers of this host whose process has ended (killed, crashed)."""
        host = socket.gethostname()
        for path in (p for folder in self._folders() if folder.exists() for p in folder.glob(f"{host}-*")):
            pid = path.name[len(host) + 1:].split("-")[0]
            if pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(path, ignore_errors=True)

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


def _discard(client, copy: Path) -> None:
    try:
        client.close()
    finally:
        if copy.parent.name != "versions":  # never a published version read in place
            shutil.rmtree(copy, ignore_errors=True)


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0][:200] if str(error) else type(error).__name__


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
