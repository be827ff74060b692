"""What the instructors' pages and the `tutor gaps` / `tutor report` commands read, in one place, so that a
page and its export show the same figures: a course's turns, feedback, graded answers and progress."""

from __future__ import annotations

from contextlib import asynccontextmanager

from sqlalchemy import select

from tutor.config import MAIN_COURSE, Settings
from tutor.storage import tables
from tutor.storage.events import EventStore


class _Without:
    """A logging filter that drops the records containing `text`."""

    def __init__(self, text: str):
        self.text = text

    def filter(self, record) -> bool:
        return self.text not in record.getMessage()


@asynccontextmanager
async def open_layer(settings: Settings):
    """The chat's database as the CLI opens it (the server uses its own, already open), read only for figures:
    Chainlit's warning that chat elements would not be persisted means nothing here and is left out."""
    import logging

    from tutor.chat.storage import TutorDataLayer, database_url

    chainlit_logger = logging.getLogger("chainlit")
    quiet = _Without("storage client is not initialized")
    chainlit_logger.addFilter(quiet)
    try:
        layer = TutorDataLayer(database_url(settings.data_dir, settings.database_url))
    finally:
        chainlit_logger.removeFilter(quiet)
    try:
        yield layer
    finally:
        await layer.engine.dispose()


async def feedback_of(layer, course: str, events: list[dict] | None = None) -> list[dict]:
    """The feedback on a course's answers (a thread belongs to the course its turns were logged under; the
    threads of no logged turn belong to the first course)."""
    from tutor.chat.storage import export_feedback

    try:
        rows = await export_feedback(layer)
    except Exception:  # no history yet: Chainlit's tables are created with the first chat
        return []
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
