"""What the chat's handlers share in one process: the settings and the engine (built once, off the event
loop, and warmed up so the first learner does not pay for loading the model)."""

from __future__ import annotations

import asyncio
import logging

from tutor.config import Settings
from tutor.errors import LearnerError

log = logging.getLogger(__name__)
_engine = None
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


def reset_engine() -> None:
    """Forget the engine (tests change settings between chats)."""
    global _engine
    _engine = None
