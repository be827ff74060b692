"""Chainlit handlers: translate chat events into engine calls and render the engine's results.

Nothing heavy happens at import: the engine (index, embeddings, model) is built once per process, in
the background when the server starts, and shared by every conversation.
"""

from __future__ import annotations

import asyncio
import logging

import chainlit as cl
from chainlit.data import get_data_layer
from chainlit.server import app as chainlit_server
from fastapi import HTTPException, Request
from fastapi.responses import FileResponse
from fastapi.routing import APIRoute

from tutor import app_prompting
from tutor.config import Settings
from tutor.guard import QuestionError, error_message
from tutor.history import LocalStorageClient, TutorDataLayer, database_url
from tutor.identity import LearnerCookieMiddleware, authenticate, cookie_value, learner_id
from tutor.language import detect_language
from tutor.results import AskOptions, TutorError, TutorResult
from tutor.retrieval import Retrieval
from tutor.ui_prompting import technique_footer
from tutor.ui_text import (
    ASSISTANT_NAME, STARTERS, decline_footer, retrieval_summary, source_name, sources_line, ui_text,
)

log = logging.getLogger(__name__)
HISTORY_KEEP = 12  # turns kept per conversation for follow-ups (the engine trims further)

_engine = None
_engine_lock = asyncio.Lock()


def settings() -> Settings:
    return Settings()


def _restrict_origins() -> None:
    """Exact CORS origins from settings. Chainlit built its CORS middleware from this very list object and
    instantiates it at the first request, so it is updated in place (before any request is served)."""
    from chainlit.config import config

    server = settings().server
    origins = server.allowed_origins or [f"http://{host}:{server.port}" for host in ("localhost", "127.0.0.1")]
    config.project.allow_origins[:] = origins


_restrict_origins()
chainlit_server.add_middleware(LearnerCookieMiddleware)


def storage() -> LocalStorageClient:
    return LocalStorageClient(settings().data_dir.resolve() / "elements")


@cl.data_layer
def data_layer() -> TutorDataLayer:
    """History and feedback: SQLite under the data directory unless TUTOR_DATABASE_URL is set.
    Chainlit calls this once per process and keeps the layer (`chainlit.data.get_data_layer()`)."""
    cfg = settings()
    return TutorDataLayer(database_url(cfg.data_dir, cfg.database_url), storage_provider=storage())


async def identify(headers) -> cl.User | None:
    """The anonymous learner behind this browser's cookie (see tutor/identity.py)."""
    token = cookie_value(headers.get("cookie"))
    if token is None:
        return None
    return cl.User(identifier=learner_id(token), metadata={"role": "learner", "provider": "anonymous"})


async def login(username: str, password: str) -> cl.User | None:
    """Password mode: accounts from the users file (`tutor users add`), with their role."""
    account = authenticate(settings().users_path, username, password)
    return cl.User(identifier=account["identifier"], metadata={"role": account["role"], "provider": "password"}) \
        if account else None


if settings().auth.mode == "password":
    cl.password_auth_callback(login)
else:
    cl.header_auth_callback(identify)


async def serve_element(request: Request, key: str):
    """A stored source, only for the learner whose threads it belongs to."""
    token = cookie_value(request.headers.get("cookie"))
    user = await get_data_layer().get_user(learner_id(token)) if token else None
    path = storage().path_for(key)
    if user is None or path is None or not key.startswith(f"{user.id}/") or not path.is_file():
        raise HTTPException(status_code=404)
    kind = storage().media_type(path)
    return FileResponse(path, media_type=f"{kind}; charset=utf-8" if kind.startswith("text/") else kind)


# Before Chainlit's catch-all route, which would otherwise answer with the chat page.
chainlit_server.router.routes.insert(0, APIRoute("/tutor/elements/{key:path}", serve_element, methods=["GET"]))


async def get_engine():
    """The process-wide engine, built on first use off the event loop."""
    global _engine
    async with _engine_lock:
        if _engine is None:
            from tutor.engine import Tutor

            def build():
                tutor = Tutor(settings())
                try:
                    tutor.warm_up()
                except TutorError as exc:  # the chat still opens and explains what to configure
                    log.error("model warm-up failed: %s", exc)
                return tutor

            _engine = await asyncio.to_thread(build)
        return _engine


app_prompting.register(get_engine)


@cl.on_app_startup
async def start_loading() -> None:
    asyncio.get_running_loop().create_task(get_engine())


@cl.set_starters
async def starters(user=None, language=None):
    return [cl.Starter(label=label, message=message, icon=icon) for label, message, icon in STARTERS]


@cl.on_chat_start
async def on_chat_start() -> None:
    cl.user_session.set("history", [])
    cl.user_session.set("options", AskOptions())
    await app_prompting.chat_settings(AskOptions()).send()


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
    cl.user_session.set("history", history[-HISTORY_KEEP:])
    cl.user_session.set("options", AskOptions())
    await app_prompting.chat_settings(AskOptions()).send()


async def reindex(language: str) -> str:
    """Instructors re-index the course from the chat; learners keep chatting on the previous version."""
    user = cl.user_session.get("user")
    if not user or (user.metadata or {}).get("role") != "instructor":
        return ui_text("instructors_only", language)
    from tutor.index import IndexBusyError
    from tutor.ingest import ingest
    from tutor.knowledge import LessonError

    try:
        report = await asyncio.to_thread(ingest, settings())
    except LessonError as exc:
        return ui_text("reindex_bad_lesson", language).format(file=exc.path.name, reason=exc.reason)
    except IndexBusyError:
        return ui_text("reindex_busy", language)
    return ui_text("reindexed", language).format(**report.as_dict())


@cl.on_message
async def on_message(message: cl.Message) -> None:
    history: list[dict] = cl.user_session.get("history") or []
    options: AskOptions = cl.user_session.get("options") or AskOptions()
    language = detect_language(message.content or "", previous=_last_language(history))
    if (message.content or "").strip().lower().startswith("/reindex"):
        await cl.Message(content=await reindex(language), author=ASSISTANT_NAME).send()
        return
    if (message.content or "").startswith("/") and await app_prompting.handle_command(message.content, language):
        return
    answer = cl.Message(content="", author=ASSISTANT_NAME)
    result: TutorResult | None = None
    try:
        tutor = await get_engine()
        async with cl.Step(name=ui_text("searching", language), type="retrieval") as step:
            events = tutor.astream(message.content, history, options)
            async for event in events:
                if isinstance(event, Retrieval):
                    step.output = retrieval_summary(event, language)
                    await step.update()
                    break
        async for event in events:
            if isinstance(event, str):
                await answer.stream_token(event)
            elif isinstance(event, TutorResult):
                result = event
    except QuestionError as exc:
        await cl.Message(content=error_message(exc, language, n=len(message.content or "")),
                         author=ASSISTANT_NAME).send()
        return
    except TutorError as exc:
        await cl.Message(content=exc.message(language), author=ASSISTANT_NAME).send()
        return
    except Exception:
        log.exception("unexpected error while answering")
        await cl.Message(content=ui_text("unexpected", language), author=ASSISTANT_NAME).send()
        return
    await _render(answer, result, language)
    cl.user_session.set("last_result", result)
    history += [{"role": "user", "content": message.content},
                {"role": "assistant", "content": result.answer}]
    cl.user_session.set("history", history[-HISTORY_KEEP:])


async def _render(answer: cl.Message, result: TutorResult, language: str) -> None:
    """Replace the streamed draft with the checked answer, its sources as side elements."""
    if result.refused:
        answer.content = result.answer + decline_footer(result)
        answer.elements = []
    else:
        answer.content = result.answer + sources_line(result) + technique_footer(result)
        answer.elements = [
            cl.Text(name=source_name(c), content=f"**{c.lesson_title} — {c.section}**\n\n{c.text}", display="side")
            for c in result.citations
        ]
    answer.actions = app_prompting.answer_actions(result, language)
    answer.metadata = {"technique": result.technique, "refused": result.refused, "refusal_reason": result.refusal_reason,
                       "citations": [c.chunk_id for c in result.citations], "language": result.language}
    # send() also finalises a streamed message: it stamps createdAt, without which a resumed thread
    # cannot place the answer under its question.
    await answer.send()


def _last_language(history: list[dict]) -> str | None:
    for turn in reversed(history):
        if turn["role"] == "user":
            return detect_language(turn["content"])
    return None
