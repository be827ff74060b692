"""Progress per learner and per lesson: mastery from graded answers, and when to review, scheduled by FSRS
(the `fsrs` library, the scheduler Anki uses) rather than a hand-written formula.

Pure data and arithmetic: the chat stores `LessonProgress` rows (tutor.storage.progress) and gives the
teacher a `Progress` snapshot; nothing here touches a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from fsrs import Card, Rating, Scheduler

# A grade's weight in mastery, and the FSRS rating it gives the lesson's review card.
SCORES = {"correct": 1.0, "partial": 0.5, "incorrect": 0.0}
RATINGS = {"correct": Rating.Good, "partial": Rating.Hard, "incorrect": Rating.Again}
PRIOR = 1.0  # mastery starts at 0 and needs evidence: (score sum) / (answers + PRIOR)
MASTERED = 0.8
_SCHEDULER = Scheduler(enable_fuzzing=False)


def now() -> datetime:
    return datetime.now(UTC)


@dataclass
class LessonProgress:
    """One learner's standing on one lesson."""

    lesson_id: str
    answers: int = 0
    correct: int = 0
    partial: int = 0
    incorrect: int = 0
    score: float = 0.0  # sum of SCORES over the answers
    card: dict | None = None  # the FSRS card, as `Card.to_dict()`
    updated_at: str = ""

    @property
    def mastery(self) -> float:
        """Between 0 and 1: the share of credit earned, shrunk towards 0 while there is little evidence."""
        return round(self.score / (self.answers + PRIOR), 3)

    @property
    def due(self) -> datetime | None:
        return Card.from_dict(self.card).due if self.card else None

    def record(self, verdict: str, at: datetime | None = None) -> LessonProgress:
        """Count one graded answer ("correct", "partial", "incorrect") and reschedule the lesson's review."""
        at = at or now()
        self.answers += 1
        setattr(self, verdict, getattr(self, verdict) + 1)
        self.score += SCORES[verdict]
        card = Card.from_dict(self.card) if self.card else Card()
        card, _ = _SCHEDULER.review_card(card, RATINGS[verdict], review_datetime=at)
        self.card = card.to_dict()
        self.updated_at = at.isoformat(timespec="seconds")
        return self

    def as_dict(self) -> dict:
        due = self.due
        return {"lesson_id": self.lesson_id, "answers": self.answers, "correct": self.correct,
                "partial": self.partial, "incorrect": self.incorrect, "mastery": self.mastery,
                "due": due.isoformat(timespec="minutes") if due else None, "updated_at": self.updated_at}


@dataclass
class Progress:
    """A learner's progress over the course's lessons (in course order)."""

    lessons: list[dict]  # the course's lessons: {"id", "title", "order"} in order
    by_lesson: dict[str, LessonProgress] = field(default_factory=dict)

    def of(self, lesson_id: str) -> LessonProgress:
        return self.by_lesson.get(lesson_id) or LessonProgress(lesson_id)

    def due_reviews(self, at: datetime | None = None) -> list[str]:
        """Lessons answered before whose review is due, most overdue first."""
        at = at or now()
        due = [(p.due, lesson_id) for lesson_id, p in self.by_lesson.items() if p.due and p.due <= at]
        return [lesson_id for _, lesson_id in sorted(due)]

    def recommend(self, at: datetime | None = None) -> tuple[str, dict] | None:
        """("review", lesson) when a review is due, else ("next", the first lesson not mastered yet), else None."""
        titles = {lesson["id"]: lesson for lesson in self.lessons}
        due = [lesson_id for lesson_id in self.due_reviews(at) if lesson_id in titles]
        if due:
            return "review", titles[due[0]]
        for lesson in self.lessons:
            if self.of(lesson["id"]).mastery < MASTERED:
                return "next", lesson
        return None

    def course_map(self, at: datetime | None = None) -> list[dict]:
        """Every lesson with its mastery and review date, for the progress view."""
        at = at or now()
        rows = []
        for lesson in self.lessons:
            p = self.of(lesson["id"])
            due = p.due
            rows.append({"id": lesson["id"], "title": lesson["title"], "mastery": p.mastery, "answers": p.answers,
                         "correct": p.correct, "partial": p.partial, "incorrect": p.incorrect,
                         "due": due.isoformat(timespec="minutes") if due else None,
                         "review_due": bool(due and due <= at)})
        return rows
