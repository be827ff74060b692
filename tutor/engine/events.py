"""What the engine yields while it answers: typed events, always ending with exactly one `Done`.

    Found(retrieval)   the extracts were found (not sent for declines decided before retrieval)
    Token(text)        a piece of the answer as the model writes it (a draft: `Done` has the checked text)
    Done(result)       the final result: an answer or a decline, never both, never missing

Front doors consume a stream with `collect` / `acollect` (or match on the three types themselves); the
prompt lab streams the same types, with its stages as `Stage` events and its round as `Done`.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

R = TypeVar("R")


@dataclass(frozen=True)
class Found:
    retrieval: Any  # tutor.engine.retrieval.Retrieval


@dataclass(frozen=True)
class Token:
    text: str
    channel: str = "answer"  # the prompt lab streams two: "original" and "improved"


@dataclass(frozen=True)
class Stage:
    """A finished stage of a longer job (the prompt lab's rubric, review, images)."""

    name: str
    text: str = ""
    data: Any = None
    channel: str = ""


@dataclass(frozen=True)
class Done(Generic[R]):
    result: R


Event = Found | Token | Stage | Done


class IncompleteStream(RuntimeError):
    """A stream ended without its `Done` event (a bug: the engine always ends with one)."""


def collect(events: Iterable[Event], on_event: Callable[[Event], None] | None = None):
    """The `Done` result of a stream; `on_event` sees every other event on the way."""
    for event in events:
        if isinstance(event, Done):
            return event.result
        if on_event is not None:
            on_event(event)
    raise IncompleteStream("the stream ended without a result")


def drain(steps: Iterator[Any]):
    """Run a generator to its end, ignoring what it yields; what it returns."""
    while True:
        try:
            next(steps)
        except StopIteration as stop:
            return stop.value


async def acollect(events: AsyncIterable[Event], on_event: Callable[[Event], Awaitable[None]] | None = None):
    """`collect` for async streams and async handlers."""
    async for event in events:
        if isinstance(event, Done):
            return event.result
        if on_event is not None:
            await on_event(event)
    raise IncompleteStream("the stream ended without a result")
