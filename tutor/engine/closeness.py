"""Closeness in meaning, by embedding, between an answer's sentence and an extract: what lets the support
check read an English sentence against a French extract (tutor.engine.support)."""

from __future__ import annotations

from collections.abc import Callable

from tutor.engine.relevance import SUPPORT_SIMILARITY
from tutor.engine.retrieval import Retrieval


def extract_similarity(embeddings, model_name: str, retrieval: Retrieval
                       ) -> tuple[Callable[[str, int], float] | None, float]:
    """(similarity(sentence, n), threshold) over the stored vectors of the retrieved extracts (n from 1)."""
    threshold = SUPPORT_SIMILARITY.get(model_name)
    if threshold is None or not retrieval.hits:
        return None, 1.1
    ids = [h.chunk.id for h in retrieval.hits]
    vectors = retrieval.snapshot.vectors(ids)
    cache: dict[str, list[float]] = {}

    def similarity(sentence: str, n: int) -> float:
        if sentence not in cache:
            cache[sentence] = embeddings.embed_query(sentence)
        return float(sum(a * b for a, b in zip(cache[sentence], vectors[ids[n - 1]])))

    return similarity, threshold


def related(embeddings, model_name: str, sentence: str, extract: str) -> bool:
    """Whether a sentence is close to an extract as the answer check decides it (for evaluating that check)."""
    threshold = SUPPORT_SIMILARITY.get(model_name)
    if threshold is None:
        return False
    a, b = embeddings.embed_query(sentence), embeddings.embed_documents([extract])[0]
    return float(sum(x * y for x, y in zip(a, b))) >= threshold
