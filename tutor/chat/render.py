"""The one path from an engine stream to the chat: every answer, decline of any kind and error goes
through `stream_turn` and `show_result`, so no handler re-derives what the engine decided."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import chainlit as cl
from chainlit.utils import utc_now

from tutor.chat.services import settings
from tutor.chat.views import ASSISTANT_NAME, decline_footer, retrieval_summary, source_name, sources_line, ui_text
from tutor.engine.events import Event, Found, Stage, Token, acollect
from tutor.engine.result import TutorResult
from tutor.errors import LearnerError
from tutor.i18n import Text
from tutor.providers.queue import Place, queue_for, waiting

log = logging.getLogger(__name__)
AHEAD = (Text("Votre question est la prochaine…", "Your question is next…"),
         Text("1 question avant la vôtre…", "1 question before yours…"),
         Text("{n} questions avant la vôtre…", "{n} questions before yours…"))


async def say(content: str, **kwargs) -> cl.Message:
    message = cl.Message(content=content, author=ASSISTANT_NAME, **kwargs)
    await message.send()
    return message


async def say_error(exc: BaseException, language: str) -> None:
    """A learner-facing error in the learner's language; anything else is logged and apologised for."""
    if isinstance(exc, LearnerError):
        await say(exc.message(language))
    else:
        log.error("unexpected error while answering", exc_info=exc)
        await say(ui_text("unexpected", language))


async def stream_turn(events: AsyncIterator[Event], language: str, into: cl.Message | cl.Step,
                      search_step: bool = True) -> TutorResult | None:
    """Consume one engine stream: the retrieval in its own step, the tokens into `into`, and the result,
    with the learner's place in the model's line shown while it waits (`queue_position`).
    Returns None after showing an error (the learner always gets a visible reply)."""
    step = None
    if search_step:
        step = cl.Step(name=ui_text("searching", language), type="retrieval")
        await step.send()

    async def on_event(event: Event) -> None:
        if isinstance(event, Found) and step is not None:
            step.output = retrieval_summary(event.retrieval, language)
            await step.update()
        elif isinstance(event, Token):
            await into.stream_token(event.text)
        elif isinstance(event, Stage) and event.name == "restart":  # the engine answers again: clear the draft
            await into.stream_token("…", is_sequence=True)

    try:
        async with queue_position(language):
            return await acollect(events, on_event)
    except Exception as exc:  # noqa: BLE001 - shown to the learner, logged when unexpected
        await say_error(exc, language)
        return None
    finally:
        if step is not None and not step.output:
            step.output = ui_text("not_searched", language)
            await step.update()


async def show_result(answer: cl.Message, result: TutorResult, actions: list[cl.Action] = (),
                      footer: str = "") -> None:
    """Replace the streamed draft with the checked answer (or the decline), its sources as side elements."""
    if result.refused:
        answer.content = result.answer + decline_footer(result)
        answer.elements = []
    else:
        answer.content = result.answer + sources_line(result) + footer
        answer.elements = [
            cl.Text(name=source_name(c), content=f"**{c.lesson_title} — {c.section}**\n\n{c.text}", display="side")
            for c in result.citations
        ]
    answer.actions = list(actions)
    answer.metadata = {"technique": result.technique, "refused": result.refused,
                       "refusal_reason": result.refusal_reason, "citations": [c.chunk_id for c in result.citations],
                       "language": result.language, "question": (result.question or "")[:2000]}
    # send() also finalises a streamed message: it stamps createdAt, without which a resumed thread
    # cannot place the answer under its question.
    await answer.send()


@asynccontextmanager
async def queue_position(language: str):
    """Around one learner turn: its place in the line for the model, taken at once. While questions are
    ahead of it, a transient message ("2 questions avant la vôtre…", not stored in the history) says how
    many and is updated; it goes when the model starts on this question. When the turn ends or is stopped (Stop, tab
    closed: Chainlit cancels the task), the place leaves the line and any generation for it stops."""
    loop = asyncio.get_running_loop()
    positions: asyncio.Queue = asyncio.Queue()
    place = Place(on_position=lambda n: loop.call_soon_threadsafe(positions.put_nowait, n))
    shower = asyncio.create_task(_show_positions(positions, language))
    try:
        with waiting(place):
            queue_for(settings()).join(place)  # the line is joined now: the position shows at once
            yield place
    finally:
        positions.put_nowait(None)
        try:
            await asyncio.wait_for(shower, timeout=2)
        except (TimeoutError, asyncio.CancelledError):
            shower.cancel()


async def _show_positions(positions: asyncio.Queue, language: str) -> None:
    emitter, message, shown = cl.context.emitter, cl.Message(content="", author=ASSISTANT_NAME), False
    message.created_at = utc_now()
    while (n := await positions.get()) is not None:
        if n == 0 and not shown:
            continue  # next in line from the start: nothing to show
        message.content = AHEAD[min(n, 2)].get(language, n=n)
        await (emitter.update_step if shown else emitter.send_step)(message.to_dict())
        shown = True
    if shown:
        await emitter.delete_step(message.to_dict())
