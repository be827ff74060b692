"""The keyword index is built by the writer with each version and memory-mapped by readers; it ranks
exactly as the in-memory index the engine used to build at the first question of each version."""

import shutil

import bm25s
import numpy as np

from tutor.course import keywords
from tutor.course.ingest import ingest
from tutor.course.reader import IndexReader
from tutor.engine.retrieval import HybridRetriever, _Bm25, analyze_query
from tutor.providers import make_embeddings
from tutor.text import analyze

QUERIES = ["Qu'est-ce qu'un prompt ?", "Sur combien de mots les LLM sont-ils formés ?", "génération d'images",
           "What is a foundation model?", "zzz inconnu"]


def test_the_saved_index_ranks_like_one_built_from_words(settings):
    ingest(settings)
    snap = IndexReader(settings.index_dir).snapshot()
    saved = _Bm25(snap)
    assert isinstance(saved.retriever.scores["data"], np.memmap)  # mapped from the version, not rebuilt
    words = bm25s.BM25()
    words.index([analyze(c.embed_text) or ["_"] for c in snap.chunks], show_progress=False)
    for query in QUERIES:
        tokens = [t for t in analyze_query(query) if t in words.vocab_dict]
        if not tokens:
            assert saved.search(query, 5) == []
            continue
        docs, scores = words.retrieve([tokens], k=5, show_progress=False)
        expected = [(int(d), round(float(s), 4)) for d, s in zip(docs[0], scores[0]) if s > 0]
        assert [(d, round(s, 4)) for d, s in saved.search(query, 5)] == expected


def test_a_version_without_a_keyword_index_still_answers(settings):
    ingest(settings)
    reader = IndexReader(settings.index_dir)
    snap = reader.snapshot()
    shutil.rmtree(snap.path / keywords.FOLDER)  # a version written by an earlier release
    hits = HybridRetriever(reader, make_embeddings(settings), settings.retrieval).retrieve("Qu'est-ce qu'un prompt ?")
    assert hits.hits and hits.best_bm25 > 0
