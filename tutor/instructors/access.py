"""Who may use the instructors' pages: accounts with the instructor role in the users file (password mode),
checked at every request. Everybody else (learners, anonymous browsers, an expired or forged token, a
demoted account) gets 403 on every page and API; writes must also come from the tutor's own pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request

from tutor.chat.identity import load_users
from tutor.chat.services import settings
from tutor.errors import LearnerError
from tutor.i18n import Text
from tutor.instructors.texts import TEXTS


class InstructorError(LearnerError):
    """A failure shown to an instructor on the page (a bad upload, a busy index...)."""


class InstructorsOnly(InstructorError):
    def __init__(self, detail: str = ""):
        super().__init__("instructors_only", TEXTS["forbidden"], detail)


def _token(request: Request) -> str | None:
    from chainlit.auth import get_token_from_cookies

    token = get_token_from_cookies(request.cookies)
    if not token:
        scheme, _, value = (request.headers.get("authorization") or "").partition(" ")
        token = value if scheme.lower() == "bearer" else None
    return token


def _same_origin(request: Request) -> bool:
    """A write comes from our own pages: its Origin (or Referer) is this server."""
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source:
        return False
    host = request.headers.get("host", "")
    return urlsplit(source).netloc == host


async def instructor(request: Request) -> str:
    """FastAPI dependency: the instructor's account name, else `InstructorsOnly` (403)."""
    cfg = settings()
    if cfg.auth.mode != "password":
        raise InstructorsOnly("instructors need password mode (TUTOR_AUTH__MODE=password)")
    token = _token(request)
    if not token:
        raise InstructorsOnly("not logged in")
    from chainlit.auth import decode_jwt

    try:
        user = decode_jwt(token)
    except Exception:
        raise InstructorsOnly("invalid or expired token") from None
    account = load_users(cfg.users_path).get(user.identifier)
    if not account or account.get("role") != "instructor":
        raise InstructorsOnly(f"{user.identifier} is not an instructor")
    if request.method not in ("GET", "HEAD") and not _same_origin(request):
        raise InstructorsOnly("cross-site write refused")
    return user.identifier


def busy_error() -> InstructorError:
    return InstructorError("index_busy", Text(
        "Une autre indexation de ce cours est en cours : réessayez quand elle sera terminée.",
        "Another indexing of this course is running: try again when it has finished."))
