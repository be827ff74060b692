"""Mastery moves with graded answers; reviews are scheduled by FSRS; the next step follows from both."""

import asyncio
from datetime import timedelta

from sqlalchemy.ext.asyncio import create_async_engine

from tutor.storage.progress import ProgressStore
from tutor.teaching.progress import LessonProgress, Progress, now

LESSONS = [{"id": "a", "title": "Leçon A", "order": 1}, {"id": "b", "title": "Leçon B", "order": 2}]


def test_mastery_rises_with_correct_answers_and_falls_back_with_wrong_ones():
    lesson = LessonProgress("a")
    assert lesson.mastery == 0.0 and lesson.due is None
    lesson.record("correct")
    first = lesson.mastery
    lesson.record("correct").record("partial")
    assert 0 < first < lesson.mastery < 1
    before = lesson.mastery
    lesson.record("incorrect")
    assert lesson.mastery < before and (lesson.correct, lesson.partial, lesson.incorrect) == (2, 1, 1)


def test_a_wrong_answer_is_reviewed_sooner_than_a_right_one():
    right, wrong = LessonProgress("a").record("correct"), LessonProgress("b").record("incorrect")
    assert wrong.due < right.due


def test_the_next_step_is_a_due_review_then_the_first_lesson_not_mastered():
    progress = Progress(LESSONS)
    assert progress.recommend()[0] == "next" and progress.recommend()[1]["id"] == "a"
    for _ in range(6):
        progress.by_lesson["a"] = progress.of("a").record("correct")
    assert progress.recommend(now())[1]["id"] == "b"
    later = now() + timedelta(days=400)
    assert progress.recommend(later) == ("review", LESSONS[0])
    rows = progress.course_map(later)
    assert rows[0]["review_due"] and rows[0]["mastery"] > 0.8 and rows[1]["answers"] == 0


def test_progress_is_stored_per_learner_and_isolated(tmp_path):
    async def run():
        engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'chat.db'}")
        store = ProgressStore(engine)
        await store.record("alice", "a", "correct", item_id="i1", kind="quiz", question="Q1")
        await store.record("alice", "a", "revealed", item_id="i2", kind="check", question="Q2")
        await store.record("bob", "b", "partial", item_id="i3", kind="quiz", question="Q3")
        alice, bob = await store.load("alice"), await store.load("bob")
        recent = await store.recent_items("alice")
        await engine.dispose()
        return alice, bob, recent

    alice, bob, recent = asyncio.run(run())
    assert set(alice) == {"a"} and set(bob) == {"b"}
    assert (alice["a"].answers, alice["a"].correct, alice["a"].incorrect) == (2, 1, 1)  # revealed = incorrect
    assert alice["a"].due is not None and recent == ["i2", "i1"]
