"""The index's place on disk: versioned directories, the CURRENT pointer, the writer lock, and what a
failure to write there means in plain words.

Layout under `root` (settings.index_dir):

    CURRENT                  name of the published version (replaced atomically with os.replace)
    versions/<name>/         one complete index: Chroma files + manifest.json (lessons and chunks)
    versions/<name>.tmp/     a version being built: never read, removed when its build fails and by the next ingest
    .ingest.lock             held by the one process allowed to write
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
import uuid
from pathlib import Path

from filelock import FileLock

from tutor.errors import LearnerError
from tutor.i18n import Text

COLLECTION = "chunks"
KEEP_VERSIONS = 3  # the current one plus two older ones that readers may still hold open


class IndexBusyError(RuntimeError):
    """Another process is writing the index."""


class IndexMissingError(LearnerError):
    """No index has been built yet."""

    def __init__(self, detail: str = ""):
        super().__init__("index_missing", Text(
            "Le cours n'est pas encore indexé : lancez `tutor ingest`, puis reposez votre question.",
            "The course is not indexed yet: run `tutor ingest`, then ask again."), detail)


class IndexWriteError(LearnerError):
    """The index could not be written (disk full, no permission): nothing was published, the previous
    version keeps serving. `code` is "disk_full" or "no_permission"."""

    MESSAGES = {
        "disk_full": Text(
            "Plus de place sur le disque pour écrire l'index ({path}) : libérez de la place (ou choisissez un "
            "autre TUTOR_DATA_DIR), puis relancez `tutor ingest`. Rien n'a été publié : l'index précédent sert "
            "toujours.",
            "No space left on the disk to write the index ({path}): free some space (or choose another "
            "TUTOR_DATA_DIR), then run `tutor ingest` again. Nothing was published: the previous index keeps "
            "serving."),
        "no_permission": Text(
            "Pas le droit d'écrire l'index ({path}) : donnez ce droit à l'utilisateur qui lance `tutor ingest` "
            "(ou choisissez un autre TUTOR_DATA_DIR). Rien n'a été publié : l'index précédent sert toujours.",
            "No permission to write the index ({path}): give the user running `tutor ingest` write access (or "
            "choose another TUTOR_DATA_DIR). Nothing was published: the previous index keeps serving."),
    }

    def __init__(self, code: str, path: Path, detail: str = ""):
        super().__init__(code, self.MESSAGES[code].format(path=path), detail)
        self.path = path


def storage_failure(exc: BaseException, path: Path) -> IndexWriteError | None:
    """An IndexWriteError when `exc` (or what caused it) is a full disk or a refused write, else None.
    Chroma and SQLite report a full disk in their own words; the OSError may sit deeper in the chain."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        text = str(exc).lower()
        where = Path(exc.filename) if isinstance(exc, OSError) and exc.filename else path
        if (isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)) \
                or "disk is full" in text or "no space left" in text:
            return IndexWriteError("disk_full", where, str(exc))
        if (isinstance(exc, OSError) and exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS)) \
                or (isinstance(exc, sqlite3.Error) and "readonly database" in text) or "permission denied" in text:
            return IndexWriteError("no_permission", where, str(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def open_chroma(path: Path):
    """An embedded Chroma client with telemetry off (never Chroma's HTTP server)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    return chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))


class IndexStore:
    """Paths, the CURRENT pointer and the writer lock of one index root. Readers look only at the version
    CURRENT names: unfinished builds (`*.tmp`) and stray pointer files are never read."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.versions = self.root / "versions"

    def current_name(self) -> str | None:
        try:
            name = (self.root / "CURRENT").read_text().strip()
        except FileNotFoundError:
            return None
        if not name or name.endswith(".tmp") or "/" in name or name.startswith("."):
            return None
        return name if (self.versions / name / "manifest.json").exists() else None

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
        try:
            with open(tmp, "w") as fh:
                fh.write(name)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.root / "CURRENT")
        finally:
            tmp.unlink(missing_ok=True)

    def discard(self, building: Path) -> None:
        """Remove a version whose build failed (it was never published)."""
        shutil.rmtree(building, ignore_errors=True)

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
