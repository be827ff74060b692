"""What the instructors' pages and the `tutor gaps` / `tutor report` commands read, in one place, so that a
page and its export show the same figures: a course's turns, feedback, graded answers and progress."""

from __future__ import annotations

from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from tutor.config import MAIN_COURSE, Settings
from tutor.storage import tables
from tutor.storage.events import EventStore


@dataclass
class Database:
    """What the figures need of a database: its SQLAlchemy engine (the chat's data layer has one too)."""

    engine: AsyncEngine


@asynccontextmanager
async def open_layer(settings: Settings):
    """The chat's database as the CLI opens it (the server uses its own, already open). SQLAlchemy alone:
    importing Chainlit would write its permissive default config and a `.files/` folder into the working
    folder of an instructor's shell."""
    from tutor.chat.database import database_url

    layer = Database(create_async_engine(database_url(settings.data_dir, settings.database_url)))
    try:
        yield layer
    finally:
        await layer.engine.dispose()


async def feedback_of(layer, course: str, events: list[dict] | None = None) -> list[dict]:
    """The feedback on a course's answers (a thread belongs to the course its turns were logged under; the
    threads of no logged turn belong to the first course)."""
    from tutor.chat.database import read_feedback

    rows = await read_feedback(layer.engine)  # none before the first chat
    all_events = events if events is not None else await EventStore(layer.engine).list()
    courses = {e["thread_id"]: e["course"] for e in all_events if e["thread_id"]}
    return [row for row in rows if courses.get(row["thread_id"], MAIN_COURSE) == course]


async def course_data(layer, course_settings: Settings, lessons: list[dict]) -> dict:
    """Everything the gaps and progress of one course are built from."""
    course = course_settings.course_id
    store = EventStore(layer.engine)
    everything = await store.list()
    events = [e for e in everything if e["course"] == course]
    ids = [lesson["id"] for lesson in lessons]
    async with layer.engine.connect() as conn:
        answers = [dict(r) for r in (await conn.execute(
            select(tables.answers).where(tables.answers.c.lesson_id.in_(ids)))).mappings()]
        progress = [dict(r) for r in (await conn.execute(
            select(tables.progress).where(tables.progress.c.lesson_id.in_(ids)))).mappings()]
    return {"events": events, "feedback": await feedback_of(layer, course, everything), "answers": answers,
            "progress": progress, "lessons": lessons}


def lessons_of(engine) -> list[dict]:
    """The course's indexed lessons (id, title, order), in course order."""
    return [{"id": x["id"], "title": x["title"], "order": x["order"]} for x in engine.reader.lessons()]


def group_similarity(settings: Settings) -> float:
    from tutor.instructors.gaps import DEFAULT_GROUP_SIMILARITY, GROUP_SIMILARITY
    from tutor.providers import embedding_model_name

    return settings.instructors.gap_similarity or GROUP_SIMILARITY.get(
        embedding_model_name(settings.embeddings), DEFAULT_GROUP_SIMILARITY)


def build_gaps(engine, data: dict) -> dict:
    """The gaps report of a course, from its engine (embeddings, index) and its data."""
    from tutor.course.index import IndexMissingError
    from tutor.instructors.gaps import gaps_report

    try:
        snapshot = engine.reader.snapshot()
    except IndexMissingError:
        snapshot = None
    titles = {x["id"]: x["title"] for x in data["lessons"]}
    return gaps_report(data["events"], data["feedback"], engine.embeddings, snapshot,
                       group_similarity(engine.settings), titles)


def build_report(data: dict) -> dict:
    from tutor.instructors.reports import course_report

    return course_report(data["lessons"], data["events"], data["feedback"], data["answers"], data["progress"])
