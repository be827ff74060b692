"""Chainlit handlers: chat events in, engine calls, results rendered (tutor.chat.render). Nothing else.

Nothing heavy happens at import: the engine (index, embeddings, model) is built once per process, in
the background when the server starts, and shared by every conversation (tutor.chat.services).
"""

from __future__ import annotations

import asyncio

import chainlit as cl

from tutor.chat import commands, prompting, server, teaching
from tutor.chat.render import say_error
from tutor.chat.services import choose_course, course_profiles, get_teacher, settings
from tutor.chat.storage import TutorDataLayer
from tutor.chat.views import STARTERS
from tutor.engine.result import AskOptions
from tutor.i18n import conversation_language, detect_language
from tutor.teaching.session import HISTORY_KEEP, Session

server.install()


@cl.data_layer
def data_layer() -> TutorDataLayer:
    """History and feedback: SQLite under the data directory unless TUTOR_DATABASE_URL is set.
    Chainlit calls this once per process and keeps the layer (`chainlit.data.get_data_layer()`)."""
    return server.make_data_layer()


if server.password_mode():
    cl.password_auth_callback(server.login)
else:
    cl.header_auth_callback(server.identify)
if len(settings().catalog()) > 1:  # several courses: learners choose one at the start of a chat
    cl.set_chat_profiles(course_profiles)


@cl.on_app_startup
async def start_loading() -> None:
    # The engine (model loaded and warmed up) and the teacher (act classifier trained) before the first learner.
    asyncio.get_running_loop().create_task(get_teacher())


@cl.set_starters
async def starters(user=None, language=None):
    return [cl.Starter(label=label, message=message, icon=icon) for label, message, icon in STARTERS]


@cl.on_chat_start
async def on_chat_start() -> None:
    choose_course()
    cl.user_session.set("teaching", Session())
    cl.user_session.set("options", AskOptions())
    await prompting.chat_settings(AskOptions()).send()


@cl.on_settings_update
async def on_settings_update(values: dict) -> None:
    options: AskOptions = cl.user_session.get("options") or AskOptions()
    if values.get("language") in ("auto", "fr", "en"):
        options.language = values["language"]
    if values.get("technique"):
        options.technique = values["technique"]
    cl.user_session.set("options", options)


@cl.on_chat_resume
async def on_chat_resume(thread: dict) -> None:
    """Rebuild the follow-up history from the stored thread."""
    history = []
    for step in thread.get("steps", []):
        if step.get("type") == "user_message":
            history.append({"role": "user", "content": step.get("output", "")})
        elif step.get("type") == "assistant_message" and step.get("output"):
            history.append({"role": "assistant", "content": step["output"]})
    choose_course()
    cl.user_session.set("teaching", Session(history=history[-HISTORY_KEEP:]))
    cl.user_session.set("options", AskOptions())
    await prompting.chat_settings(AskOptions()).send()


@cl.on_chat_end
async def on_chat_end() -> None:
    """The tab was closed (or a new chat started): a question still waiting for the model leaves the line."""
    task = cl.context.session.current_task
    if task is not None and not task.done():
        task.cancel()


@cl.on_message
async def on_message(message: cl.Message) -> None:
    text = message.content or ""
    previous = conversation_language(teaching.session().history)
    # A command's own words ("/compare zero-shot format-list") say nothing of the learner's language.
    language = detect_language(text, previous=previous) if not text.startswith("/") else \
        detect_language(text.partition(" ")[2], previous=previous) if len(text.split()) > 4 else (previous or "fr")
    try:
        await commands.respond(text, language)
    except Exception as exc:  # noqa: BLE001 - the learner is told, the log has the details
        await say_error(exc, language)
