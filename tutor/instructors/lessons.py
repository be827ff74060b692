"""A course's lessons as instructors manage them: list, stage an upload for review, then apply it (add or
replace), delete, re-index, revert. Every change is validated as `tutor ingest` validates lessons, then the
file is written and the course re-indexed; when the index cannot be built the file is put back, so a failed
change changes nothing. Every change is recorded (tutor.storage.changes) and can be reverted."""

from __future__ import annotations

import asyncio
import json
import secrets
import shutil
import tempfile
import time
from pathlib import Path

from tutor.config import Settings
from tutor.course.index import IndexBusyError, IndexStore
from tutor.course.lessons import LessonError, discover, load_lessons, read_lesson, split_lesson
from tutor.i18n import Text
from tutor.instructors import jobs
from tutor.instructors.access import InstructorError, busy_error
from tutor.instructors.convert import Draft, convert, template_tokens
from tutor.storage.changes import ChangeStore

DRAFTS_KEPT_S = 24 * 3600


def lesson_error(exc: LessonError) -> InstructorError:
    name = exc.path.name
    return InstructorError("bad_lesson", Text(f"« {name} » ne peut pas être indexé : {exc.reason}. Rien n'a changé.",
                                              f"“{name}” cannot be indexed: {exc.reason}. Nothing changed."))


class CourseLessons:
    """One course's lessons (`settings` are the course's: `Settings.for_course`)."""

    def __init__(self, settings: Settings, database):
        self.settings = settings
        self.course = settings.course_id
        self.folder = Path(settings.knowledge.dir)
        self.changes = ChangeStore(database)
        self.drafts = settings.data_dir / "instructors" / "drafts"

    # ------------------------------------------------------------------ reading

    def manifest(self) -> dict:
        return IndexStore(self.settings.index_dir).manifest() or {"version": None, "lessons": [], "chunks": []}

    def on_disk(self) -> dict[str, Path]:
        """Lesson id -> file, for the lessons in the folder that read cleanly."""
        found = {}
        for path in discover([self.folder]) if self.folder.exists() else []:
            try:
                found[read_lesson(path, self.settings.knowledge.max_file_bytes).id] = path
            except LessonError:
                continue
        return found

    def list(self) -> list[dict]:
        """The indexed lessons: id, title, order, chunks, when indexed, file size."""
        files = self.on_disk()
        rows = []
        for lesson in self.manifest()["lessons"]:
            path = files.get(lesson["id"])
            rows.append({**{k: lesson[k] for k in ("id", "title", "order", "chunks", "indexed_at")},
                         "file": str(path.relative_to(self.folder)) if path else None,
                         "size": path.stat().st_size if path else None})
        return rows

    def next_order(self) -> int:
        return max((lesson["order"] for lesson in self.manifest()["lessons"]), default=0) + 1

    # ------------------------------------------------------------------ upload -> review

    def stage(self, name: str, data: bytes) -> str:
        """Convert an upload and keep it for review; the draft's token."""
        draft = convert(name, data, self.settings.instructors.max_upload_bytes, self.next_order())
        self.drafts.mkdir(parents=True, exist_ok=True)
        for old in self.drafts.glob("*.json"):
            if time.time() - old.stat().st_mtime > DRAFTS_KEPT_S:
                old.unlink(missing_ok=True)
        token = secrets.token_urlsafe(16)
        (self.drafts / f"{token}.json").write_text(json.dumps({"course": self.course, **draft.as_dict()},
                                                              ensure_ascii=False), encoding="utf-8")
        return token

    def draft(self, token: str) -> Draft:
        path = self.drafts / f"{token}.json"
        data = json.loads(path.read_text(encoding="utf-8")) if token.replace("-", "").replace("_", "").isalnum() \
            and path.is_file() else None
        if not data or data.pop("course") != self.course:
            raise InstructorError("no_draft", Text("Ce brouillon n'existe plus : déposez le fichier à nouveau.",
                                                   "This draft no longer exists: upload the file again."))
        return Draft(**data)

    def discard(self, token: str) -> None:
        (self.drafts / f"{token}.json").unlink(missing_ok=True)

    def check(self, draft: Draft) -> tuple[str, str]:
        """Validate a reviewed draft as `tutor ingest` would, with the other lessons: (file name, action)."""
        text = draft.lesson_text()
        tokens = template_tokens(text)
        if tokens:
            raise InstructorError("template_tokens", Text(
                f"Le texte contient des jetons de modèle de chat ({', '.join(tokens)}) : retirez-les.",
                f"The text holds chat-template tokens ({', '.join(tokens)}): remove them."))
        existing = self.on_disk()
        target = existing.get(draft.id)
        filename = str(target.relative_to(self.folder)) if target else f"{draft.id}.md"
        others = [p for p in (discover([self.folder]) if self.folder.exists() else [])
                  if p != self.folder / filename]
        with tempfile.TemporaryDirectory() as tmp:
            candidate = Path(tmp) / Path(filename).name
            candidate.write_text(text, encoding="utf-8")
            try:
                lesson = next(x for x in load_lessons([*others, candidate], self.settings.knowledge.max_file_bytes)
                              if x.path == candidate)
            except LessonError as exc:
                raise lesson_error(exc) from None
        if lesson.id != draft.id:
            raise InstructorError("bad_id", Text(f"Identifiant invalide : « {draft.id} ».", f"Invalid id: “{draft.id}”."))
        return filename, "replace" if target else "add"

    def sections(self, draft: Draft) -> list[dict]:
        """How the draft will be cut (section, characters), for the review page."""
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "draft.md"
            path.write_text(draft.lesson_text(), encoding="utf-8")
            try:
                lesson = read_lesson(path, self.settings.knowledge.max_file_bytes)
            except LessonError:
                return []
        cfg = self.settings.knowledge
        return [{"section": " › ".join(c.heading_path), "chars": len(c.text)}
                for c in split_lesson(lesson, cfg.chunk_size, cfg.chunk_overlap)]

    # ------------------------------------------------------------------ changes (as background jobs)

    def apply(self, draft: Draft, by: str, token: str | None = None) -> jobs.Job:
        filename, action = self.check(draft)
        job = self._start(action, draft.id, filename, draft.lesson_text(), by)
        if token:
            self.discard(token)
        return job

    def delete(self, lesson_id: str, by: str) -> jobs.Job:
        path = self.on_disk().get(lesson_id)
        if path is None:
            raise InstructorError("no_lesson", Text(f"Pas de leçon « {lesson_id} » dans ce cours.",
                                                    f"No lesson “{lesson_id}” in this course."))
        return self._start("delete", lesson_id, str(path.relative_to(self.folder)), None, by)

    def reindex(self, by: str) -> jobs.Job:
        return self._start("reindex", None, None, None, by)

    async def revert(self, lesson_id: str, by: str) -> jobs.Job:
        """Put the lesson back as it was before its last change."""
        last = await self.changes.latest(self.course, lesson_id)
        if last is None:
            raise InstructorError("nothing_to_revert", Text(
                "Aucune modification de cette leçon à annuler.", "No change of this lesson to revert."))
        return self._start("revert", lesson_id, last["filename"], last["before_text"], by, reverts=last["id"])

    def _start(self, action: str, lesson_id: str | None, filename: str | None, text: str | None, by: str,
               reverts: int | None = None) -> jobs.Job:
        async def work(job: jobs.Job) -> None:
            before, report, index_before = await asyncio.to_thread(self._write_and_index, filename, text,
                                                                   action == "reindex", job.progress)
            job.summary = {k: report.as_dict()[k] for k in ("lessons", "chunks", "added", "updated", "removed",
                                                             "seconds", "version")}
            job.change_id = await self.changes.record(
                course=self.course, by=by, action=action, lesson_id=lesson_id, filename=filename,
                before_text=before, after_text=text, index_before=index_before, index_after=report.version,
                reverts=reverts, summary=job.summary)
        return jobs.start(self.course, action, lesson_id, work)

    def _write_and_index(self, filename: str | None, text: str | None, keep: bool, progress):
        """Write (or delete) one lesson file, then re-index; on failure the file is put back as it was."""
        from tutor.course.ingest import ingest

        index_before = IndexStore(self.settings.index_dir).current_name()
        path = self.folder / filename if filename else None
        before = path.read_text(encoding="utf-8") if path is not None and path.is_file() else None
        if not keep and path is not None:
            _put(path, text)
        try:
            report = ingest(self.settings, progress=progress)
        except BaseException as exc:
            if not keep and path is not None:
                _put(path, before)
            if isinstance(exc, LessonError):
                raise lesson_error(exc) from None
            if isinstance(exc, IndexBusyError):
                raise busy_error() from None
            raise
        return before, report, index_before


def _put(path: Path, text: str | None) -> None:
    """Write a lesson file atomically, or remove it (text None)."""
    if text is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    tmp.write_text(text, encoding="utf-8")
    shutil.move(tmp, path)
