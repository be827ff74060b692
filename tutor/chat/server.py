"""The chat's web server around Chainlit: allowed origins, the anonymous learner cookie, who is logged
in, the history database, and the route that serves stored sources to their owner only."""

from __future__ import annotations

import chainlit as cl
from chainlit.data import get_data_layer
from chainlit.server import app as chainlit_server
from fastapi import HTTPException, Request
from fastapi.responses import FileResponse
from fastapi.routing import APIRoute

from tutor.chat.identity import LearnerCookieMiddleware, authenticate, cookie_value, learner_id
from tutor.chat.services import settings
from tutor.chat.storage import LocalStorageClient, TutorDataLayer, database_url

_installed = False


def install() -> None:
    """Set up the server once per process (the app module may be imported more than once by tests)."""
    global _installed
    if _installed:
        return
    _restrict_origins()
    chainlit_server.add_middleware(LearnerCookieMiddleware)
    # Before Chainlit's catch-all route, which would otherwise answer with the chat page.
    chainlit_server.router.routes.insert(0, APIRoute("/tutor/elements/{key:path}", serve_element, methods=["GET"]))
    from tutor.instructors.routes import install as install_instructors

    install_instructors(chainlit_server)  # /instructors: the instructors' pages (instructor accounts only)
    _installed = True


def _restrict_origins() -> None:
    """Exact CORS origins from settings. Chainlit built its CORS middleware from this very list object and
    instantiates it at the first request, so it is updated in place (before any request is served)."""
    from chainlit.config import config

    server = settings().server
    origins = server.allowed_origins or [f"http://{host}:{server.port}" for host in ("localhost", "127.0.0.1")]
    config.project.allow_origins[:] = origins


def storage() -> LocalStorageClient:
    return LocalStorageClient(settings().data_dir.resolve() / "elements")


def make_data_layer() -> TutorDataLayer:
    cfg = settings()
    return TutorDataLayer(database_url(cfg.data_dir, cfg.database_url), storage_provider=storage())


def password_mode() -> bool:
    return settings().auth.mode == "password"


async def identify(headers) -> cl.User | None:
    """The anonymous learner behind this browser's cookie (see tutor/chat/identity.py)."""
    token = cookie_value(headers.get("cookie"))
    if token is None:
        return None
    return cl.User(identifier=learner_id(token), metadata={"role": "learner", "provider": "anonymous"})


async def login(username: str, password: str) -> cl.User | None:
    """Password mode: accounts from the users file (`tutor users add`), with their role."""
    account = authenticate(settings().users_path, username, password)
    return cl.User(identifier=account["identifier"], metadata={"role": account["role"], "provider": "password"}) \
        if account else None


async def serve_element(request: Request, key: str):
    """A stored source, only for the learner whose threads it belongs to."""
    token = cookie_value(request.headers.get("cookie"))
    user = await get_data_layer().get_user(learner_id(token)) if token else None
    path = storage().path_for(key)
    if user is None or path is None or not key.startswith(f"{user.id}/") or not path.is_file():
        raise HTTPException(status_code=404)
    kind = storage().media_type(path)
    return FileResponse(path, media_type=f"{kind}; charset=utf-8" if kind.startswith("text/") else kind)
