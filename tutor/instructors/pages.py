"""Rendering the instructors' pages: Jinja2 templates (autoescaped) in the page's language, static files
served from the package (no CDN), and what every route needs (the course, its engine, the database)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse

from tutor.chat.services import settings
from tutor.config import Settings
from tutor.instructors.access import InstructorError, InstructorsOnly
from tutor.instructors.texts import ACTIONS, language_of, translator

HERE = Path(__file__).resolve().parent
STATIC = {"instructors.css": "text/css", "instructors.js": "text/javascript"}


def _code(text: str):
    """Escaped text whose `commands` are shown as code."""
    import re

    from markupsafe import Markup, escape

    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))


@lru_cache(maxsize=1)
def templates():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))
    env.filters["code"] = _code
    env.filters["when"] = lambda iso: (iso or "")[:16].replace("T", " ")  # 2026-01-31T09:05:00+00:00 -> 2026-01-31 09:05
    return env


def page(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
    language = language_of(request)
    cfg = settings()
    html = templates().get_template(name).render(
        t=translator(language), lang=language, actions=ACTIONS, courses=cfg.catalog(),
        multi=len(cfg.catalog()) > 1, **context)
    # The chat's own `no-referrer` would make Chromium send `Origin: null` with these pages' form posts, which
    # the server refuses as cross-origin: the pages send their origin to this server only (never elsewhere).
    return HTMLResponse(html, status_code=status_code,
                        headers={"Cache-Control": "no-store", "Referrer-Policy": "same-origin"})


def course_settings(course: str) -> Settings:
    try:
        return settings().for_course(course)
    except KeyError:
        raise HTTPException(status_code=404) from None


def database():
    from chainlit.data import get_data_layer

    layer = get_data_layer()
    if layer is None or not hasattr(layer, "engine"):
        raise HTTPException(status_code=503, detail="no database")
    return layer


async def on_instructors_only(request: Request, exc: InstructorsOnly):
    """403 for everybody but instructors: a page for people, JSON for the API."""
    if request.url.path.startswith("/instructors/api/") or "html" not in request.headers.get("accept", "html"):
        return JSONResponse({"detail": exc.message(language_of(request))}, status_code=403)
    return page(request, "forbidden.html", status_code=403, error=exc.message(language_of(request)))


def error_text(request: Request, exc: InstructorError) -> str:
    return exc.message(language_of(request))
