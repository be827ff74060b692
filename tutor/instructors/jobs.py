"""Index jobs run beside the chat: one at a time per course, in a worker thread (learners keep chatting on
the published version), with their progress for the page's bar. Kept in memory: a job belongs to the
server process that runs it."""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from tutor.errors import LearnerError
from tutor.i18n import Text
from tutor.instructors.access import busy_error

log = logging.getLogger(__name__)
UNEXPECTED = Text("Erreur inattendue pendant l'indexation (détails dans le journal du serveur).",
                  "Unexpected error while indexing (details in the server log).")


@dataclass
class Job:
    id: str
    course: str
    kind: str  # add | replace | delete | reindex | revert
    lesson_id: str | None = None
    state: str = "running"  # running | done | failed
    done: int = 0
    total: int = 0
    error: Text | None = None
    change_id: int | None = None
    summary: dict = field(default_factory=dict)
    started: float = field(default_factory=time.time)

    def progress(self, done: int, total: int) -> None:
        self.done, self.total = done, total

    def as_dict(self, language: str = "fr") -> dict:
        return {"id": self.id, "course": self.course, "kind": self.kind, "lesson_id": self.lesson_id,
                "state": self.state, "done": self.done, "total": self.total, "change_id": self.change_id,
                "error": self.error.get(language) if self.error else None, "summary": self.summary}


_jobs: dict[str, Job] = {}
_running: dict[str, Job] = {}  # course -> its running job
_tasks: set[asyncio.Task] = set()


def get(job_id: str) -> Job | None:
    return _jobs.get(job_id)


def start(course: str, kind: str, lesson_id: str | None, work: Callable[[Job], Awaitable[None]]) -> Job:
    """Start `work(job)` in the background; refused while another job of the course runs."""
    if course in _running:
        raise busy_error()
    job = Job(secrets.token_urlsafe(8), course, kind, lesson_id)
    _jobs[job.id] = _running[course] = job

    async def run() -> None:
        try:
            await work(job)
            job.state = "done"
        except LearnerError as exc:
            job.state, job.error = "failed", exc.text
            log.warning("index job %s failed: %s", job.id, exc)
        except Exception:
            job.state, job.error = "failed", UNEXPECTED
            log.exception("index job %s failed", job.id)
        finally:
            _running.pop(course, None)

    task = asyncio.get_running_loop().create_task(run())
    _tasks.add(task)  # keep a reference until it ends
    task.add_done_callback(_tasks.discard)
    return job


async def wait_all() -> None:
    """Wait for the running jobs (tests)."""
    while _tasks:
        await asyncio.gather(*list(_tasks), return_exceptions=True)
