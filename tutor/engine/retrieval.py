"""Hybrid retrieval: dense search in Chroma + BM25 with French analysis, fused by reciprocal rank.

BM25 is rebuilt in memory for each published index version (it is cheap: the corpus is the lessons'
chunks), so both retrievers always search the same snapshot.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from tutor.config import RetrievalSettings
from tutor.course import keywords
from tutor.course.lessons import Chunk
from tutor.course.reader import IndexReader, Snapshot
from tutor.text import analyze, unglue

# English questions meet French lessons: BM25 gets the French words of the domain's English terms.
# (Dense retrieval is multilingual already; this gives keyword search a chance too.)
EN_FR_TERMS = {
    "foundation model": "modèle de base", "foundation models": "modèles de base", "fm": "modèle de base",
    "large language model": "grand modèle de langage", "language model": "modèle de langage",
    "machine learning": "apprentissage automatique machine learning", "traditional": "traditionnel",
    "labeled": "étiquetées", "labelled": "étiquetées", "data": "données", "input": "données d'entrée",
    "output": "sortie format", "context": "contexte", "instruction": "instructions", "instructions": "instructions",
    "prompt engineering": "ingénierie de prompt", "inference": "inférence", "answer": "réponse",
    "response": "réponse", "example": "exemple", "examples": "exemples", "image": "image", "images": "images",
    "generate": "générer génération", "generates": "générer génération", "generation": "génération",
    "text": "texte", "tool": "outil", "tools": "outils", "task": "tâche", "tasks": "tâches",
    "trained": "formés entraînés", "training": "entraînement", "words": "mots", "word": "mot",
    "parts": "parties", "part": "partie", "improve": "améliorer", "improving": "améliorer",
    "replace": "remplacent remplacer", "complement": "complètent", "summarize": "résumer synthèse",
    "summary": "synthèse", "resources": "ressources", "clarify": "clarifier", "adjust": "ajuster",
    "retry": "réessayer", "key points": "points clés", "revolutionary": "révolutionnaire",
    "versatile": "polyvalence polyvalent", "specific": "spécifique", "music": "musique", "video": "vidéo",
    "question": "question", "natural language": "langage naturel", "human": "humain", "demo": "démonstration",
}
_EN_TERMS_RE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, EN_FR_TERMS), key=len, reverse=True)) + r")\b",
                          re.IGNORECASE)


def analyze_query(text: str) -> list[str]:
    """`analyze`, plus the French words of English domain terms found in the question."""
    extra = " ".join(EN_FR_TERMS[m.group(1).lower()] for m in _EN_TERMS_RE.finditer(text))
    return analyze(f"{text} {extra}" if extra else text)


@dataclass
class Hit:
    """One retrieved chunk with its fused score and each retriever's score and rank (1-based, 0 = absent)."""

    chunk: Chunk
    score: float
    dense_score: float = 0.0
    bm25_score: float = 0.0
    dense_rank: int = 0
    bm25_rank: int = 0


@dataclass
class Retrieval:
    hits: list[Hit]
    snapshot: Snapshot
    query: str
    best_dense: float = 0.0
    best_bm25: float = 0.0
    candidates: list[Hit] = field(default_factory=list)


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _keyword_pool() -> ThreadPoolExecutor:
    """Threads for BM25, which runs while the query is embedded (both release the GIL for most of it)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="tutor-bm25")
        return _pool


class _Bm25:
    def __init__(self, snap: Snapshot):
        # Saved with the version by the writer and memory-mapped (tutor.course.keywords); built here only
        # for a version written before that.
        saved = keywords.load(snap.path) if snap.path else None
        self.retriever = saved if saved is not None else keywords.build(snap.chunks)
        self.size = len(snap.chunks)

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        tokens = analyze_query(query)
        if not tokens or self.size == 0:
            return []
        docs, scores = self.retriever.retrieve([tokens], k=min(k, self.size), show_progress=False)
        return [(int(d), float(s)) for d, s in zip(docs[0], scores[0]) if s > 0]


class HybridRetriever:
    """Dense + BM25 over the current index snapshot, fused by reciprocal rank fusion (RRF)."""

    def __init__(self, reader: IndexReader, embeddings, settings: RetrievalSettings):
        self.reader = reader
        self.embeddings = embeddings
        self.settings = settings
        self._bm25: tuple[str, _Bm25] | None = None
        self._lock = threading.Lock()

    def _bm25_for(self, snap: Snapshot) -> _Bm25:
        with self._lock:
            if self._bm25 is None or self._bm25[0] != snap.name:
                self._bm25 = (snap.name, _Bm25(snap))
            return self._bm25[1]

    def retrieve(self, query: str, k: int | None = None) -> Retrieval:
        """The top `k` chunks for `query` (default settings.top_k), best first."""
        k = k or self.settings.top_k
        snap = self.reader.snapshot()
        query = unglue(query, snap.vocabulary)  # "cest quoi linference" is searched as "c'est quoi l'inference"
        n = self.settings.candidates
        sparse_later = _keyword_pool().submit(self._bm25_for(snap).search, query, n)  # beside the embedding
        dense = snap.dense_search(self.embeddings.embed_query(query), n)
        sparse = sparse_later.result()
        hits: dict[str, Hit] = {}
        for rank, (chunk, score) in enumerate(dense, 1):
            hit = hits.setdefault(chunk.id, Hit(chunk, 0.0))
            hit.dense_score, hit.dense_rank = score, rank
            hit.score += 1.0 / (self.settings.rrf_k + rank)
        for rank, (i, score) in enumerate(sparse, 1):
            chunk = snap.chunks[i]
            hit = hits.setdefault(chunk.id, Hit(chunk, 0.0))
            hit.bm25_score, hit.bm25_rank = score, rank
            hit.score += 1.0 / (self.settings.rrf_k + rank)
        ranked = sorted(hits.values(), key=lambda h: (-h.score, h.chunk.position))
        return Retrieval(
            hits=ranked[:k], snapshot=snap, query=query,
            best_dense=max((s for _, s in dense), default=0.0),
            best_bm25=max((s for _, s in sparse), default=0.0),
            candidates=ranked,
        )
