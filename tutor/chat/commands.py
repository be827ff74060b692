"""Chat commands (`/technique`, `/anatomie`, `/compare`, `/prompt`, `/reindex`) and the buttons that run
them. Each command's failure is shown to the learner in their language, like any answer."""

from __future__ import annotations

import asyncio

import chainlit as cl

from tutor.chat import prompting, teaching
from tutor.chat.prompting_views import technique_footer
from tutor.chat.render import say, say_error
from tutor.chat.services import settings
from tutor.chat.views import ui_text


async def reindex(_: str, language: str) -> None:
    """Instructors re-index the course from the chat; learners keep chatting on the previous version."""
    user = cl.user_session.get("user")
    if not user or (user.metadata or {}).get("role") != "instructor":
        await say(ui_text("instructors_only", language))
        return
    from tutor.course.index import IndexBusyError
    from tutor.course.ingest import ingest
    from tutor.course.lessons import LessonError

    try:
        report = await asyncio.to_thread(ingest, settings())
    except LessonError as exc:
        await say(ui_text("reindex_bad_lesson", language, file=exc.path.name, reason=exc.reason))
    except IndexBusyError:
        await say(ui_text("reindex_busy", language))
    else:
        await say(ui_text("reindexed", language, **report.as_dict()))


async def _anatomy(_: str, language: str) -> None:
    await prompting.show_last_anatomy(language)


COMMANDS = {
    "/technique": prompting.choose_technique, "/techniques": prompting.choose_technique,
    "/anatomie": _anatomy, "/anatomy": _anatomy,
    "/compare": prompting.compare_command,
    "/prompt": prompting.run_lab,
    "/reindex": reindex,
    "/quiz": teaching.quiz_command,
    "/guide": teaching.guide_command,
    "/progres": teaching.progress_command, "/progrès": teaching.progress_command,
    "/progress": teaching.progress_command,
}


async def respond(text: str, language: str) -> None:
    """A learner's message: a command, or a turn of the teacher (questions, answers, greetings...)."""
    if text.startswith("/") and await handle(text, language):
        return
    await teaching.run_turn(text, language, extra_actions=prompting.answer_actions, footer=technique_footer)


async def handle(text: str, language: str) -> bool:
    """Run a chat command; False when `text` is not one (it is then a message for the tutor)."""
    command, _, rest = text.strip().partition(" ")
    run = COMMANDS.get(command.lower())
    if run is None:
        return False
    try:
        await run(rest.strip(), language)
    except Exception as exc:  # noqa: BLE001 - every failure is told to the learner (and logged if unexpected)
        await say_error(exc, language)
    return True


@cl.action_callback("anatomy")
async def on_anatomy(action: cl.Action) -> None:
    p = action.payload
    await prompting.show_anatomy(p["question"], p["prompt"], p.get("note", ""), p.get("language", "fr"))


@cl.action_callback("compare")
async def on_compare(action: cl.Action) -> None:
    p = action.payload
    await handle(f"/compare {' '.join(p['techniques'])} {p['question']}", p.get("language", "fr"))


@cl.action_callback("lab_retry")
async def on_lab_retry(action: cl.Action) -> None:
    await handle(f"/prompt {action.payload['prompt']}", action.payload.get("language", "fr"))


@cl.action_callback("choice")
async def on_choice(action: cl.Action) -> None:
    """A click on a multiple-choice option: the learner's answer to the pending item."""
    state = teaching.session()
    if state.pending is None or state.pending.id != action.payload.get("item_id"):
        return  # an old button: that question is no longer pending
    await cl.Message(content=action.payload["answer"], author="learner", type="user_message").send()
    await teaching.run_turn(action.payload["answer"], state.pending.language)


@cl.action_callback("suggest")
async def on_suggest(action: cl.Action) -> None:
    """A click on a suggestion: sent as if the learner had typed it."""
    text = action.payload["text"]
    await cl.Message(content=text, author="learner", type="user_message").send()
    from tutor.i18n import detect_language

    await respond(text, detect_language(text))
