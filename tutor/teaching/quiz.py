"""Check questions and quizzes: items drawn from the lessons, each validated by code before it is shown,
none repeated within a quiz or against what the learner answered recently."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from tutor.course.lessons import Chunk
from tutor.teaching.items import Item, Rejections, is_duplicate, problems, structure_items


@dataclass
class Quiz:
    """A quiz in progress: its items, where the learner is, and their grades so far."""

    items: list[Item]
    position: int = 0
    grades: list[str] = field(default_factory=list)

    @property
    def current(self) -> Item | None:
        return self.items[self.position] if self.position < len(self.items) else None

    def as_dict(self) -> dict:
        return {"items": [i.as_dict() for i in self.items], "position": self.position, "grades": self.grades}

    @classmethod
    def from_dict(cls, data: dict) -> Quiz:
        return cls([Item.from_dict(i) for i in data["items"]], data["position"], list(data["grades"]))


class QuizMaker:
    """Builds items from the published course (`chunks`, in course order); `rejections` counts what the
    validator turned down and why."""

    def __init__(self, chunks: tuple[Chunk, ...] | list[Chunk], seed: int = 0):
        self.chunks = list(chunks)
        self.seed = seed
        self.rejections = Rejections()

    def valid_items(self, chunks: list[Chunk], language: str) -> list[Item]:
        items = []
        for chunk in chunks:
            for item in structure_items(chunk, language, self.seed):
                reasons = problems(item)
                for reason in reasons:
                    self.rejections.add(reason)
                if not reasons:
                    items.append(item)
        return items

    def lesson_chunks(self, lesson_id: str) -> list[Chunk]:
        return [c for c in self.chunks if c.lesson_id == lesson_id]

    def check_question(self, near: list[Chunk], language: str, recent: set[str], kinds=("short", "mcq")
                       ) -> Item | None:
        """One item about what `near` covers (its chunks first, then the rest of their lessons, then the
        course), of the first kind available, not answered recently."""
        lessons = list(dict.fromkeys(c.lesson_id for c in near))
        pools = [[c] for c in near] + [self.lesson_chunks(lesson) for lesson in lessons] + [self.chunks]
        for pool in pools:
            items = self.valid_items(pool, language)
            for kind in kinds:
                fresh = [i for i in items if i.kind == kind and not is_duplicate(i, [], recent)]
                if fresh:
                    return random.Random(f"{self.seed}:{len(recent)}").choice(fresh)
        return None

    def quiz(self, lesson_ids: list[str], language: str, recent: set[str], n: int = 3) -> Quiz:
        """`n` multiple-choice items from these lessons (in order of preference), then from the rest of the
        course if they do not have enough; no two alike, none answered recently."""
        order = lesson_ids + [c.lesson_id for c in self.chunks if c.lesson_id not in lesson_ids]
        chosen: list[Item] = []
        rng = random.Random(f"{self.seed}:{len(recent)}:{','.join(lesson_ids)}")
        for lesson in dict.fromkeys(order):
            items = [i for i in self.valid_items(self.lesson_chunks(lesson), language) if i.kind == "mcq"]
            rng.shuffle(items)
            for item in items:
                if len(chosen) == n:
                    break
                if is_duplicate(item, chosen, recent):
                    self.rejections.add("duplicate")
                    continue
                chosen.append(item)
            if len(chosen) == n:
                break
        return Quiz(chosen)
