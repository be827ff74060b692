"""The one path from an engine stream to the chat: every answer, decline of any kind and error goes
through `stream_turn` and `show_result`, so no handler re-derives what the engine decided."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import chainlit as cl

from tutor.chat.views import ASSISTANT_NAME, decline_footer, retrieval_summary, source_name, sources_line, ui_text
from tutor.engine.events import Event, Found, Token, acollect
from tutor.engine.result import TutorResult
from tutor.errors import LearnerError

log = logging.getLogger(__name__)


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
    """Consume one engine stream: the retrieval in its own step, the tokens into `into`, and the result.
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

    try:
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
                       "language": result.language}
    # send() also finalises a streamed message: it stamps createdAt, without which a resumed thread
    # cannot place the answer under its question.
    await answer.send()
