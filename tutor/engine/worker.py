"""Run a blocking iterator (the engine, the prompt lab) in a worker thread and read it from async code.

The thread runs in a copy of the caller's context, so context variables set by the front door (the
learner's place in the model's queue, tutor.providers.queue) reach the model calls made in it. Turns get
their own pool of threads, larger than asyncio's default (CPU count + 4): a turn waiting in line for the
model holds a thread, and every waiting learner must have joined the line to be told their place in it."""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
TURN_THREADS = 128
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _turn_pool() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=TURN_THREADS, thread_name_prefix="tutor-turn")
        return _pool


async def in_thread(make: Callable[[], Iterator[T]]) -> AsyncIterator[T]:
    """The items of `make()`, produced in a worker thread; its exceptions are re-raised here."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue = asyncio.Queue()
    done = object()

    def work() -> None:
        try:
            for item in make():
                loop.call_soon_threadsafe(queue.put_nowait, item)
        except BaseException as exc:  # re-raised in the caller's task
            loop.call_soon_threadsafe(queue.put_nowait, exc)
        finally:
            loop.call_soon_threadsafe(queue.put_nowait, done)

    worker = loop.run_in_executor(_turn_pool(), contextvars.copy_context().run, work)
    while (item := await queue.get()) is not done:
        if isinstance(item, BaseException):
            raise item
        yield item
    await worker
