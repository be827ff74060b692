"""The chat's web server around Chainlit, set up once per process: allowed origins (HTTP and socket), security
headers, the anonymous learner cookie, who is logged in (with login limits), the history database, the socket
guards (message limits) and the routes that check ownership (tutor.chat.access)."""

from __future__ import annotations

import asyncio
import logging

import chainlit as cl
from chainlit.server import app as chainlit_server
from chainlit.server import get_html_template, sio

from tutor.chat import socket_guard
from tutor.chat.access import Access
from tutor.chat.headers import SecurityHeadersMiddleware
from tutor.chat.identity import LearnerCookieMiddleware, UsersFileError, authenticate, cookie_value, learner_id
from tutor.chat.origins import CrossOriginGuard, allowed_origins, restrict_socket
from tutor.chat.services import settings
from tutor.chat.storage import LocalStorageClient, TutorDataLayer, database_url
from tutor.chat.throttle import LoginThrottleMiddleware, Throttle

log = logging.getLogger(__name__)
API_DOCS = ("/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json")
_installed = False


def install() -> None:
    """Set up the server once per process (the app module may be imported more than once by tests)."""
    global _installed
    if _installed:
        return
    cfg = settings()
    origins = allowed_origins(cfg.server)
    _restrict_cors(origins)
    restrict_socket(sio, origins)
    _hide_api_docs()
    _own_files_directory()
    messages = Throttle(cfg.server.messages_per_minute)
    socket_guard.install(sio, messages)
    # Before Chainlit's routes (its catch-all would otherwise answer with the chat page).
    chainlit_server.router.routes[0:0] = Access(storage(), password_mode(), messages).routes(_root_path())
    from tutor.instructors.routes import install as install_instructors

    install_instructors(chainlit_server)  # /instructors: the instructors' pages (instructor accounts only)
    # Middleware added last runs first: the headers wrap every answer, refusals included.
    chainlit_server.add_middleware(LearnerCookieMiddleware)
    chainlit_server.add_middleware(LoginThrottleMiddleware, throttle=Throttle(cfg.auth.logins_per_minute))
    chainlit_server.add_middleware(CrossOriginGuard, origins=origins)
    chainlit_server.add_middleware(SecurityHeadersMiddleware, page=lambda: get_html_template(""))
    _installed = True


def _root_path() -> str:
    from chainlit.config import config

    return config.run.root_path or ""


def _restrict_cors(origins: list[str]) -> None:
    """Exact CORS origins. Chainlit built its CORS middleware from this very list object and instantiates it
    at the first request, so it is updated in place (before any request is served)."""
    from chainlit.config import config

    config.project.allow_origins[:] = origins


def _hide_api_docs() -> None:
    """FastAPI's generated API description and pages are not for the public."""
    chainlit_server.openapi_url = chainlit_server.docs_url = chainlit_server.redoc_url = None
    chainlit_server.router.routes[:] = [r for r in chainlit_server.router.routes
                                        if getattr(r, "path", None) not in API_DOCS]


def _own_files_directory() -> None:
    """Chainlit keeps sessions' files in `.files` under its app root, the installed UI folder that every
    `tutor serve` process shares, and deletes that whole folder when a process stops: each process gets
    its own, under the data directory."""
    import os
    import socket

    import chainlit.config
    import chainlit.server

    path = settings().data_dir.resolve() / "sessions" / f"{socket.gethostname()}-{os.getpid()}"
    path.mkdir(parents=True, exist_ok=True)
    chainlit.config.FILES_DIRECTORY = chainlit.server.FILES_DIRECTORY = path


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
    """Password mode: accounts from the users file (`tutor users add`), with their role. Attempts are limited
    before this is called (LoginThrottleMiddleware); checking takes the same time whether the name exists or
    not, off the event loop."""
    try:
        account = await asyncio.to_thread(authenticate, settings().users_path, username, password)
    except UsersFileError as exc:
        log.error("%s", exc)
        return None
    return cl.User(identifier=account["identifier"], metadata={"role": account["role"], "provider": "password"}) \
        if account else None
