"""The gaps and progress pages, marking gaps handled, and the exports (the same figures, as CSV or JSON)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from tutor.chat.services import get_engine
from tutor.instructors import exports
from tutor.instructors.access import instructor
from tutor.instructors.data import build_gaps, build_report, course_data, lessons_of
from tutor.instructors.pages import course_settings, database, page
from tutor.instructors.texts import ACTIONS, language_of, translator
from tutor.storage.events import EventStore

router = APIRouter(prefix="/instructors", dependencies=[Depends(instructor)])


async def course_figures(course: str, gaps: bool = True) -> tuple[dict, dict | None, dict]:
    """(data, gaps report, progress report) of a course, as both the pages and the exports show them."""
    import asyncio

    course_settings(course)  # 404 for an unknown course
    engine = await get_engine(course)
    data = await course_data(database(), engine.settings, lessons_of(engine))
    gap_report = await asyncio.to_thread(build_gaps, engine, data) if gaps else None
    return data, gap_report, build_report(data)


@router.get("/courses/{course}/gaps")
async def gaps_page(request: Request, course: str):
    _, report, _ = await course_figures(course)
    return page(request, "gaps.html", course=course_settings(course).course_entry(course), report=report)


@router.post("/courses/{course}/gaps/handled")
async def mark_handled(course: str, by: str = Depends(instructor), event_ids: str = Form(""),
                       action: str = Form("add")):
    ids = [int(x) for x in event_ids.split(",") if x.strip().isdigit()]
    if action not in ACTIONS:
        action = "add"
    await EventStore(database().engine).mark_handled(ids, by, action, course)
    return RedirectResponse(f"/instructors/courses/{course}/gaps", status_code=303)


@router.get("/courses/{course}/report")
async def report_page(request: Request, course: str):
    import asyncio

    from tutor.instructors.plots import figures

    _, _, report = await course_figures(course, gaps=False)
    plots = await asyncio.to_thread(figures, report, translator(language_of(request)))
    return page(request, "report.html", course=course_settings(course).course_entry(course), report=report,
                plots=plots)


@router.get("/courses/{course}/export/{name}.{fmt}")
async def export(course: str, name: str, fmt: str):
    if name not in ("gaps", "report", "feedback") or fmt not in ("json", "csv"):
        return Response(status_code=404)
    data, gaps, report = await course_figures(course, gaps=name == "gaps")
    content = {"gaps": gaps, "report": report, "feedback": data["feedback"]}[name]
    if fmt == "json":
        body, media = exports.to_json(content), "application/json"
    else:
        body = {"gaps": exports.gaps_csv, "report": exports.report_csv, "feedback": exports.feedback_csv}[name](content)
        media = "text/csv"
    return Response(body, media_type=f"{media}; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{course}-{name}.{fmt}"', "Cache-Control": "no-store"})
