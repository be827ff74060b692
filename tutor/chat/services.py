"""What the chat's handlers share in one process: the settings and the engine (built once, off the event
loop, and warmed up so the first learner does not pay for loading the model)."""

from __future__ import annotations

import asyncio
import logging

from tutor.config import Settings
from tutor.errors import LearnerError

log = logging.getLogger(__name__)
_engine = None
_teacher = None
_engine_lock = asyncio.Lock()


def settings() -> Settings:
    return Settings()


async def get_engine():
    """The process-wide engine, built on first use off the event loop."""
    global _engine
    async with _engine_lock:
        if _engine is None:
            from tutor.engine.tutor import Tutor

            def build():
                tutor = Tutor(settings())
                try:
                    tutor.warm_up()
                except LearnerError as exc:  # the chat still opens and explains what to configure
                    log.error("model warm-up failed: %s", exc)
                return tutor

            _engine = await asyncio.to_thread(build)
        return _engine


async def get_teacher():
    """The process-wide teacher around the engine (its act classifier trained off the event loop)."""
    global _teacher
    engine = await get_engine()
    if _teacher is None or _teacher.tutor is not engine:
        from tutor.teaching.turn import Teacher

        def build():
            teacher = Teacher(engine)
            teacher.acts()
            return teacher

        _teacher = await asyncio.to_thread(build)
    return _teacher


def reset_engine() -> None:
    """Forget the engine (tests change settings between chats)."""
    global _engine, _teacher
    _engine = _teacher = None
