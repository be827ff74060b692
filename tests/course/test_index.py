"""The index on a real Chroma in a temp dir, with fake embeddings chosen by settings."""

import os
import signal
import subprocess
import sys
import time

import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding

from tutor.course.index import IndexBusyError, IndexStore
from tutor.course.ingest import ingest
from tutor.course.lessons import LessonError
from tutor.course.reader import IndexReader
from tutor.providers import make_embeddings
from tutor.providers.embeddings import CachedEmbeddings


def top_lesson(settings, question: str) -> str:
    snap = IndexReader(settings.index_dir).snapshot()
    vector = make_embeddings(settings).embed_query(question)
    return snap.dense_search(vector, 1)[0][0].lesson_id


class FailingEmbeddings(CachedEmbeddings):
    """Embeds the first `ok` batches, then fails, like a crash half-way through an ingest."""

    def __init__(self, settings, ok: int):
        super().__init__(DeterministicFakeEmbedding(size=256), "fake/deterministic-256",
                         settings.cache_dir / "embeddings.sqlite", batch_size=4)
        self.ok = ok

    def embed_documents(self, texts, progress=None):
        def tick(n):
            self.ok -= 1
            if self.ok < 0:
                raise RuntimeError("embedding server went away")
        return super().embed_documents(texts, progress=tick)


def test_second_ingest_does_nothing(settings):
    first = ingest(settings)
    assert (first.lessons, first.added, first.embedded) == (8, first.chunks, first.chunks)
    second = ingest(settings)
    assert (second.added, second.updated, second.removed, second.embedded) == (0, 0, 0, 0)
    assert second.unchanged == first.chunks
    assert second.version == first.version


def test_editing_a_lesson_reembeds_only_its_changed_chunks(settings, kb):
    ingest(settings)
    path = kb / "04-prompts.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "Où se trouve le Japon ?", "Où se situe le Japon ?"), encoding="utf-8")
    report = ingest(settings)
    assert (report.added, report.updated, report.removed, report.embedded) == (0, 1, 0, 1)
    assert report.lessons_updated == ["prompts"]
    manifest = IndexStore(settings.index_dir).manifest()
    stamps = {lesson["id"]: lesson["indexed_at"] for lesson in manifest["lessons"]}
    assert len(manifest["chunks"]) == report.chunks
    assert any("Où se situe le Japon" in c["text"] for c in manifest["chunks"])
    assert stamps["prompts"] >= max(stamps.values())


def test_deleting_a_lesson_removes_its_chunks(settings, kb):
    before = ingest(settings)
    (kb / "08-questions-frequentes.md").unlink()
    report = ingest(settings)
    assert report.removed == 3 and report.lessons_removed == ["questions-frequentes"]
    snap = IndexReader(settings.index_dir).snapshot()
    assert snap.collection.count() == before.chunks - 3
    assert not [c for c in snap.chunks if c.lesson_id == "questions-frequentes"]


def test_changed_embedding_cache_is_reused_across_rebuilds(settings, tmp_path):
    ingest(settings)
    other = settings.model_copy(update={"data_dir": tmp_path / "other-data"})
    report = ingest(other)  # a fresh index, but every vector is already cached
    assert report.added == report.chunks and report.embedded == 0


def test_failed_ingest_leaves_the_previous_index_serving(settings, kb):
    ingest(settings)
    reader = IndexReader(settings.index_dir)
    before = reader.snapshot()
    for path in kb.glob("*.md"):
        path.write_text(path.read_text(encoding="utf-8") + "\n## Ajout\n\nUn nouveau paragraphe.\n",
                        encoding="utf-8")
    with pytest.raises(RuntimeError, match="went away"):
        ingest(settings, embeddings=FailingEmbeddings(settings, ok=1))
    assert reader.snapshot() is before
    assert top_lesson(settings, "Amazon Titan et Stable Diffusion") in {c.lesson_id for c in before.chunks}
    assert not any(c.section == "Ajout" for c in reader.snapshot().chunks)
    report = ingest(settings)  # the next ingest finishes the job and cleans up
    assert report.added == 8
    assert not list(IndexStore(settings.index_dir).versions.glob("*.tmp"))


def test_bad_lesson_leaves_the_index_untouched(settings, kb):
    first = ingest(settings)
    (kb / "99-bad.md").write_bytes(b"\xff\xfe bad")
    with pytest.raises(LessonError, match="99-bad.md"):
        ingest(settings)
    assert IndexStore(settings.index_dir).current_name() == first.version


def test_a_second_writer_is_refused_clearly(settings):
    ingest(settings)
    with IndexStore(settings.index_dir).lock():
        with pytest.raises(IndexBusyError, match="another `tutor ingest`"):
            ingest(settings)


def test_readers_follow_new_versions(settings, kb):
    ingest(settings)
    reader = IndexReader(settings.index_dir)
    old = reader.snapshot()
    (kb / "09-extra.md").write_text("---\nid: extra\ntitle: Extra\norder: 9\n---\n# Extra\n\nTexte.\n",
                                    encoding="utf-8")
    ingest(settings)
    new = reader.snapshot()
    assert new.name != old.name and "extra" in {c.lesson_id for c in new.chunks}
    assert "extra" not in {c.lesson_id for c in old.chunks}  # the old snapshot never changes


def test_killed_ingest_leaves_the_previous_index_serving(settings, tmp_path):
    """SIGKILL a real `tutor ingest` half-way through a large knowledge base."""
    ingest(settings)
    reader = IndexReader(settings.index_dir)
    before = reader.snapshot()
    big = tmp_path / "big"
    big.mkdir()
    for i in range(300):
        sections = "".join(f"## Section {j}\n\nLe paragraphe {j} de la leçon {i}.\n\n" for j in range(20))
        (big / f"l{i:03}.md").write_text(f"---\nid: l{i:03}\ntitle: L {i}\norder: {i}\n---\n{sections}",
                                         encoding="utf-8")
    env = dict(os.environ, TUTOR_DATA_DIR=str(settings.data_dir), TUTOR_CACHE_DIR=str(settings.cache_dir),
               TUTOR_EMBEDDINGS__PROVIDER="fake", TUTOR_EMBEDDINGS__BATCH_SIZE="8")
    proc = subprocess.Popen([sys.executable, "-m", "tutor.cli", "ingest", str(big), "--json"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    cache = settings.cache_dir / "embeddings.sqlite"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        import sqlite3

        if cache.exists():
            with sqlite3.connect(cache) as db:
                if db.execute("SELECT count(*) FROM vectors").fetchone()[0] > before.collection.count() + 200:
                    break
        time.sleep(0.02)
    assert proc.poll() is None, "the ingest finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert IndexStore(settings.index_dir).current_name() == before.name
    assert reader.snapshot().name == before.name
    assert top_lesson(settings, "prompt") in {c.lesson_id for c in before.chunks}
    report = ingest(settings, [big])  # resumes from the embedding cache
    assert report.lessons == 300 and report.removed == before.collection.count()
    assert report.embedded < report.added
