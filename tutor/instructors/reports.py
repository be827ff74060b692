"""Learners' progress per lesson, for instructors: questions answered from the lesson, declines closest to
it, feedback on its answers, quiz success, and how mastery is spread over learners. Learners appear only as
"Apprenant n": no identifier and no learner text leaves this report's figures."""

from __future__ import annotations

from collections import Counter, defaultdict

from tutor.teaching.progress import LessonProgress

BINS = ("0–0.2", "0.2–0.4", "0.4–0.6", "0.6–0.8", "0.8–1")


def _bin(mastery: float) -> str:
    return BINS[min(int(mastery * 5), 4)]


def lesson_of(chunk_id: str | None) -> str | None:
    return chunk_id.split("#", 1)[0] if chunk_id else None


def per_lesson(lessons: list[dict], events: list[dict], feedback: list[dict], answers: list[dict],
               progress: list[dict]) -> list[dict]:
    """One row per lesson, in course order."""
    rows = {lesson["id"]: {"lesson_id": lesson["id"], "title": lesson["title"], "order": lesson.get("order"),
                           "questions": 0, "declines": 0, "thumbs_up": 0, "thumbs_down": 0, "quiz_answers": 0,
                           "quiz_correct": 0, "quiz_partial": 0, "quiz_incorrect": 0, "quiz_success": None,
                           "learners": 0, "mastery_mean": None, **dict.fromkeys(BINS, 0)}
            for lesson in lessons}
    learners: dict[str, set] = defaultdict(set)
    for e in events:
        if e["refused"]:
            lesson = e["closest_lesson"]
            if lesson in rows:
                rows[lesson]["declines"] += 1
        elif e["lesson_id"] in rows and e["act"] in ("question", "rephrase", "injection"):
            rows[e["lesson_id"]]["questions"] += 1
            if e["learner"]:
                learners[e["lesson_id"]].add(e["learner"])
    for f in feedback:
        lesson = lesson_of((f.get("sources") or [None])[0])
        if lesson in rows:
            rows[lesson]["thumbs_up" if f.get("helpful") else "thumbs_down"] += 1
    for a in answers:
        row = rows.get(a["lesson_id"])
        if row is None:
            continue
        row["quiz_answers"] += 1
        verdict = "incorrect" if a["verdict"] == "revealed" else a["verdict"]
        row[f"quiz_{verdict}"] += 1
        learners[a["lesson_id"]].add(a["learner"])
    masteries: dict[str, list[float]] = defaultdict(list)
    for p in progress:
        if p["lesson_id"] in rows and p["answers"]:
            mastery = LessonProgress(p["lesson_id"], p["answers"], score=p["score"]).mastery
            masteries[p["lesson_id"]].append(mastery)
            rows[p["lesson_id"]][_bin(mastery)] += 1
            learners[p["lesson_id"]].add(p["learner"])
    for lesson_id, row in rows.items():
        if row["quiz_answers"]:
            row["quiz_success"] = round((row["quiz_correct"] + 0.5 * row["quiz_partial"]) / row["quiz_answers"], 3)
        if masteries[lesson_id]:
            row["mastery_mean"] = round(sum(masteries[lesson_id]) / len(masteries[lesson_id]), 3)
        row["learners"] = len(learners[lesson_id])
    return list(rows.values())


def anonymised_learners(events: list[dict], answers: list[dict], progress: list[dict]) -> list[dict]:
    """One row per learner, named "Apprenant n" in order of first activity."""
    first: dict[str, str] = {}
    for row in [*events, *answers]:
        who = row.get("learner")
        if who and (who not in first or row["at"] < first[who]):
            first[who] = row["at"]
    for p in progress:
        first.setdefault(p["learner"], p.get("updated_at") or "")
    asked = Counter(e["learner"] for e in events if not e["refused"])
    declined = Counter(e["learner"] for e in events if e["refused"])
    graded = Counter(a["learner"] for a in answers)
    mastery: dict[str, list[float]] = defaultdict(list)
    for p in progress:
        if p["answers"]:
            mastery[p["learner"]].append(LessonProgress(p["lesson_id"], p["answers"], score=p["score"]).mastery)
    out = []
    for n, who in enumerate(sorted(first, key=lambda w: (first[w], w)), 1):
        values = mastery.get(who) or []
        out.append({"learner": f"Apprenant {n}", "questions": asked[who], "declines": declined[who],
                    "graded_answers": graded[who],
                    "mastery_mean": round(sum(values) / len(values), 3) if values else None})
    return out


def course_report(lessons, events, feedback, answers, progress) -> dict:
    """What the progress page shows and `tutor report` exports."""
    rows = per_lesson(lessons, events, feedback, answers, progress)
    totals = {k: sum(r[k] for r in rows) for k in ("questions", "declines", "thumbs_up", "thumbs_down",
                                                     "quiz_answers", "quiz_correct")}
    return {"lessons": rows, "totals": totals, "learners": anonymised_learners(events, answers, progress)}
