"""The keyword side of the index: BM25 (bm25s) over each chunk's analysed words (tutor.text.analyze).

The writer builds it with each version and saves it beside the Chroma files (`bm25/`); readers map it
from disk (numpy memory maps: the pages are shared by every process and nothing is rebuilt after a
re-index). It is built from token ids held in compact arrays, never from lists of strings, so 100,000
chunks fit in a few hundred megabytes. A version written before this existed is indexed in memory.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from pathlib import Path

from tutor.course.lessons import Chunk
from tutor.text import analyze

FOLDER = "bm25"


def build(chunks: Iterable[Chunk]):
    """A BM25 index of the chunks, in their order."""
    import bm25s

    vocab: dict[str, int] = {}
    ids = []
    for chunk in chunks:
        # An empty token list would make bm25s drop the document and shift every index after it.
        words = analyze(chunk.embed_text) or ["_"]
        ids.append(array("i", (vocab.setdefault(w, len(vocab)) for w in words)))
    retriever = bm25s.BM25()
    retriever.index((ids, vocab), show_progress=False)
    return retriever


def save(retriever, version: Path) -> None:
    retriever.save(str(version / FOLDER), show_progress=False)


def load(version: Path):
    """The saved index of a published version, memory-mapped; None when the version has none."""
    import bm25s

    if not (version / FOLDER / "params.index.json").exists():
        return None
    return bm25s.BM25.load(str(version / FOLDER), mmap=True, show_progress=False)
