"""What the chat's handlers share in one process: the settings, an engine per course (built once, off the
event loop, and warmed up so the first learner does not pay for loading the model), and the log of every
turn's outcome that instructors read."""

from __future__ import annotations

import asyncio
import logging

from tutor.config import MAIN_COURSE, Settings
from tutor.errors import LearnerError

log = logging.getLogger(__name__)
_engines: dict[str, object] = {}
_teachers: dict[str, object] = {}
_engine_lock = asyncio.Lock()


def settings() -> Settings:
    return Settings()


def current_course() -> str:
    """The course of the chat being handled (chosen at its start), else the first course."""
    try:
        import chainlit as cl

        return cl.user_session.get("course") or MAIN_COURSE
    except Exception:  # outside a chat (start-up, tests of the engine)
        return MAIN_COURSE


async def get_engine(course: str | None = None):
    """The process-wide engine of a course (default: the chat's), built on first use off the event loop."""
    course = course or current_course()
    async with _engine_lock:
        if course not in _engines:
            from tutor.engine.tutor import Tutor

            def build():
                tutor = Tutor(settings().for_course(course))
                try:
                    tutor.warm_up()
                except LearnerError as exc:  # the chat still opens and explains what to configure
                    log.error("model warm-up failed: %s", exc)
                return tutor

            _engines[course] = await asyncio.to_thread(build)
        return _engines[course]


async def get_teacher(course: str | None = None):
    """The process-wide teacher around a course's engine (its act classifier trained off the event loop)."""
    course = course or current_course()
    engine = await get_engine(course)
    teacher = _teachers.get(course)
    if teacher is None or teacher.tutor is not engine:
        from tutor.teaching.turn import Teacher

        def build():
            teacher = Teacher(engine)
            teacher.acts()
            return teacher

        teacher = _teachers[course] = await asyncio.to_thread(build)
    return teacher


def reset_engine() -> None:
    """Forget the engines (tests change settings between chats)."""
    _engines.clear()
    _teachers.clear()


async def log_turn(result, message_id: str | None = None) -> None:
    """Store a turn's outcome (answered, declined and why, repaired) for the instructors' gaps and reports.
    Never fails the chat: a storage problem is logged."""
    try:
        import chainlit as cl
        from chainlit.data import get_data_layer

        layer = get_data_layer()
        if layer is None or not hasattr(layer, "engine"):
            return
        from tutor.storage.events import EventStore, event_row

        user = cl.user_session.get("user")
        row = event_row(result, course=current_course(), learner=user.identifier if user else None,
                        thread_id=cl.context.session.thread_id, message_id=message_id)
        await EventStore(layer.engine).log(row)
    except Exception:
        log.exception("could not log the turn")


# ---------------------------------------------------------------- several courses (Chainlit chat profiles)

async def course_profiles(user=None, language=None) -> list:
    """One chat profile per course, the first course first (registered only when there are several)."""
    import chainlit as cl

    return [cl.ChatProfile(name=course.title, markdown_description=course.title, default=i == 0)
            for i, course in enumerate(settings().catalog())]


def choose_course() -> None:
    """Remember the course of the profile the learner chose (a resumed chat keeps its own)."""
    import chainlit as cl

    chosen = cl.user_session.get("chat_profile")
    course = next((c.id for c in settings().catalog() if c.title == chosen), MAIN_COURSE)
    cl.user_session.set("course", course)
