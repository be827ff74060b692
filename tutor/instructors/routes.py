"""The instructors' pages and API on the chat's FastAPI app, all behind `access.instructor` (403 for anybody
else): courses and their lessons, uploads and their review, index jobs with their progress. Gaps, progress
and exports are in `tutor.instructors.report_routes`. Forms work without JavaScript; a small script only
animates the progress bar."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute

from tutor.instructors import jobs
from tutor.instructors.access import InstructorError, InstructorsOnly, instructor
from tutor.instructors.convert import Draft
from tutor.instructors.lessons import CourseLessons
from tutor.instructors.pages import HERE, STATIC, course_settings, database, error_text, on_instructors_only, page
from tutor.storage.changes import ChangeStore

router = APIRouter(prefix="/instructors", dependencies=[Depends(instructor)])


def lessons_of(course: str) -> CourseLessons:
    return CourseLessons(course_settings(course), database().engine)


def to(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@router.get("")
async def home(request: Request):
    from tutor.chat.services import settings

    catalog = settings().catalog()
    if len(catalog) == 1:
        return to(f"/instructors/courses/{catalog[0].id}")
    return page(request, "home.html")


@router.get("/api/me")
async def me(name: str = Depends(instructor)):
    return {"name": name, "role": "instructor"}


@router.get("/static/{name}")
async def static(name: str):
    if name not in STATIC:
        return Response(status_code=404)
    return Response((HERE / "static" / name).read_bytes(), media_type=STATIC[name])


async def lessons_page(request: Request, course: str, error: str = "", status_code: int = 200):
    lessons = lessons_of(course)
    manifest = lessons.manifest()
    changes = await lessons.changes.list(course)
    revertible = {c["lesson_id"] for c in changes if c["lesson_id"]}
    rows = lessons.list()
    return page(request, "lessons.html", status_code, course=lessons.settings.course_entry(course), lessons=rows,
                version=manifest.get("version"), changes=changes, revertible=revertible, error=error,
                deleted=sorted(revertible - {row["id"] for row in rows}))


@router.get("/courses/{course}")
async def course_page(request: Request, course: str):
    return await lessons_page(request, course)


@router.get("/api/courses/{course}/lessons")
async def lessons_api(course: str):
    lessons = lessons_of(course)
    return {"course": course, "version": lessons.manifest().get("version"), "lessons": lessons.list(),
            "changes": await lessons.changes.list(course)}


@router.post("/courses/{course}/upload")
async def upload(request: Request, course: str, file: UploadFile = File(...)):
    lessons = lessons_of(course)
    data = await file.read(lessons.settings.instructors.max_upload_bytes + 1)
    try:
        token = lessons.stage(file.filename or "lesson", data)
    except InstructorError as exc:
        return await lessons_page(request, course, error_text(request, exc), 422)
    return to(f"/instructors/courses/{course}/review/{token}")


async def review_page(request: Request, course: str, token: str, draft: Draft | None = None, error: str = "",
                      status_code: int = 200):
    lessons = lessons_of(course)
    try:
        draft = draft or lessons.draft(token)
    except InstructorError as exc:
        return await lessons_page(request, course, error_text(request, exc), 404)
    existing = {x["id"]: x for x in lessons.list()}
    return page(request, "review.html", status_code, course=lessons.settings.course_entry(course), draft=draft,
                token=token, replaces=existing.get(draft.id), sections=lessons.sections(draft), error=error)


@router.get("/courses/{course}/review/{token}")
async def review(request: Request, course: str, token: str):
    return await review_page(request, course, token)


@router.post("/courses/{course}/review/{token}")
async def review_submit(request: Request, course: str, token: str, by: str = Depends(instructor),
                        id: str = Form(""), title: str = Form(""), order: str = Form("0"), tags: str = Form(""),
                        body: str = Form(""), decision: str = Form("index")):
    lessons = lessons_of(course)
    if decision == "discard":
        lessons.discard(token)
        return to(f"/instructors/courses/{course}")
    try:
        draft = lessons.draft(token)
    except InstructorError as exc:
        return await lessons_page(request, course, error_text(request, exc), 404)
    draft.id, draft.title, draft.body = id.strip(), title.strip(), body.replace("\r\n", "\n")
    draft.tags = [t.strip() for t in tags.split(",") if t.strip()]
    try:
        draft.order = int(order)
        job = lessons.apply(draft, by, token)
    except ValueError:
        return await review_page(request, course, token, draft, "order: 1, 2, 3…", 422)
    except InstructorError as exc:
        return await review_page(request, course, token, draft, error_text(request, exc), 422)
    return to(f"/instructors/courses/{course}/jobs/{job.id}")


async def _run(request: Request, course: str, start):
    try:
        job = await start()
    except InstructorError as exc:
        return await lessons_page(request, course, error_text(request, exc), 409)
    return to(f"/instructors/courses/{course}/jobs/{job.id}")


@router.post("/courses/{course}/lessons/{lesson_id}/delete")
async def delete(request: Request, course: str, lesson_id: str, by: str = Depends(instructor)):
    async def start():
        return lessons_of(course).delete(lesson_id, by)
    return await _run(request, course, start)


@router.post("/courses/{course}/lessons/{lesson_id}/revert")
async def revert(request: Request, course: str, lesson_id: str, by: str = Depends(instructor)):
    return await _run(request, course, lambda: lessons_of(course).revert(lesson_id, by))


@router.post("/courses/{course}/reindex")
async def reindex(request: Request, course: str, by: str = Depends(instructor)):
    async def start():
        return lessons_of(course).reindex(by)
    return await _run(request, course, start)


@router.get("/courses/{course}/jobs/{job_id}")
async def job_page(request: Request, course: str, job_id: str):
    job = jobs.get(job_id)
    if job is None or job.course != course:
        return to(f"/instructors/courses/{course}")
    return page(request, "job.html", course=course_settings(course).course_entry(course), job=job)


@router.get("/api/jobs/{job_id}")
async def job_api(request: Request, job_id: str):
    from tutor.instructors.texts import language_of

    job = jobs.get(job_id)
    if job is None:
        return JSONResponse({"detail": "no such job"}, status_code=404)
    return job.as_dict(language_of(request))


@router.get("/api/courses/{course}/changes/{change_id}")
async def change_api(course: str, change_id: int):
    change = await ChangeStore(database().engine).get(change_id)
    if change is None or change["course"] != course:
        return JSONResponse({"detail": "no such change"}, status_code=404)
    return change


def install(app) -> None:
    """Mount the pages before Chainlit's catch-all route (which would answer with the chat page), with a
    catch-all of our own so that no /instructors URL ever falls through to the chat for a non-instructor."""
    from tutor.instructors import report_routes

    async def unknown(request: Request, rest: str):
        return Response(status_code=404)

    fallback = APIRoute("/instructors/{rest:path}", unknown, methods=["GET", "POST", "PUT", "DELETE", "PATCH"],
                        dependencies=[Depends(instructor)])
    routes = [*router.routes, *report_routes.router.routes, fallback]
    for route in reversed(routes):
        app.router.routes.insert(0, route)
    app.add_exception_handler(InstructorsOnly, on_instructors_only)
