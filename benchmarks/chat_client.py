"""A learner's browser, minus the browser: Chainlit's real protocol over socket.io (python-socketio's
client), as the chat's front end speaks it (chainlit/socket.py, chainlit/server.py):

    GET /                        the learner cookie (tutor_learner), as the page load does
    POST /auth/header            Chainlit's session token (access_token cookie) from that cookie
    POST /set-session-cookie     X-Chainlit-Session-id, the cookie a proxy keeps the socket sticky with
    socket.io /ws/socket.io      auth {clientType, sessionId, threadId, userEnv, chatProfile}, then
                                 "connection_successful"; questions are "client_message"; the server
                                 answers with task_start, new_message / update_message / delete_message,
                                 stream_start, stream_token, resume_thread... and task_end

Used by benchmarks/load.py and tests/deploy/. Timings of one question are in `Turn`.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import aiohttp
import socketio
from yarl import URL

QUEUED = re.compile(r"^(\d+) questions? (avant la vôtre|before yours)")
ERRORS = ("Désolé, une erreur", "Sorry, an unexpected error", "ne répond pas", "is not answering",
          "Beaucoup de questions", "Many questions at once", "attend depuis plus de", "has waited over",
          "trop de demandes", "too many requests")
# The chat's refusal of a message over the learner's rate limit (tutor/chat/throttle.py): sent on its own, with
# no task around it, so it ends the turn at once.
REFUSED = ("beaucoup de messages d'un coup", "many messages at once")


@dataclass
class Turn:
    """One question: seconds from asking to each moment (None: it did not happen)."""

    question: str
    asked_at: float = 0.0  # when it was sent (time.perf_counter(), shared by every client of the process)
    queued_at: float | None = None  # first "N questions avant la vôtre…"
    positions: list[int] = field(default_factory=list)  # every position shown, in order
    served_at: float | None = None  # the position message removed: the model started on it
    first_token_at: float | None = None
    done_at: float | None = None
    answer: str = ""
    error: str = ""

    @property
    def queue_wait(self) -> float:
        """Time spent in line for the model, as the learner saw it (0 when never queued)."""
        if self.queued_at is None:
            return 0.0
        return (self.served_at or self.done_at or self.queued_at) - self.queued_at


class ChatClient:
    """One simulated learner: a cookie, a socket, questions asked one at a time."""

    def __init__(self, base_url: str, thread_id: str | None = None, learner: str | None = None):
        """`learner`: the tutor_learner cookie of a browser seen before (to resume its `thread_id`)."""
        self.base_url = base_url.rstrip("/")
        self.thread_id, self._learner = thread_id, learner
        self.session_id = str(uuid.uuid4())
        self.resumed: dict | None = None
        self.sio = socketio.AsyncClient(reconnection=False)
        self.http: aiohttp.ClientSession | None = None
        self._turn: Turn | None = None
        self._started = 0.0
        self._queue_message: str | None = None
        self._depth, self._started_task = 0, False  # Chainlit nests task_start / task_end pairs
        self._done = asyncio.Event()
        self._resumed = asyncio.Event()
        self.sio.on("*", self._on_event)

    async def open(self, timeout: float = 60) -> ChatClient:
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True),
                                          timeout=aiohttp.ClientTimeout(total=timeout))
        if self._learner:
            self.http.cookie_jar.update_cookies({"tutor_learner": self._learner}, response_url=URL(self.base_url))
        for method, path, body in (("GET", "/", None), ("POST", "/auth/header", None),
                                   ("POST", "/set-session-cookie", {"session_id": self.session_id})):
            async with self.http.request(method, self.base_url + path, json=body) as response:
                response.raise_for_status()
                await response.read()
        cookies = "; ".join(f"{c.key}={c.value}" for c in self.http.cookie_jar)
        await self.sio.connect(
            self.base_url, socketio_path="/ws/socket.io", headers={"Cookie": cookies}, wait_timeout=timeout,
            auth={"clientType": "webapp", "sessionId": self.session_id, "threadId": self.thread_id or "",
                  "userEnv": "{}", "chatProfile": ""})
        self._done.clear()
        await self.sio.emit("connection_successful")
        # on_chat_start (or on_chat_resume) runs as a task: wait for it, as a learner waits for the page
        await asyncio.wait_for(self._resumed.wait() if self.thread_id else self._done.wait(), timeout)
        return self

    @property
    def learner(self) -> str:
        return next((c.value for c in self.http.cookie_jar if c.key == "tutor_learner"), "")

    async def ask(self, question: str, timeout: float = 600) -> Turn:
        self._turn, self._queue_message = Turn(question), None
        self._done.clear()
        self._started = self._turn.asked_at = time.perf_counter()
        await self.sio.emit("client_message", {"message": {
            "id": str(uuid.uuid4()), "threadId": "", "name": "User", "type": "user_message", "output": question,
            "createdAt": datetime.now(UTC).isoformat().replace("+00:00", "Z"), "metadata": {}}, "fileReferences": []})
        try:
            await asyncio.wait_for(self._done.wait(), timeout)
        except TimeoutError:
            self._turn.error = f"no answer within {timeout:.0f} s"
        if not self.sio.connected and not self._turn.error:
            self._turn.error = "disconnected"
        return self._turn

    async def close(self) -> None:
        if self.sio.connected:
            await self.sio.disconnect()
        if self.http is not None:
            await self.http.close()

    async def _on_event(self, event: str, data=None) -> None:
        now = time.perf_counter() - self._started
        if event == "task_start":
            self._depth, self._started_task = self._depth + 1, True
        elif event == "task_end" and self._started_task:
            self._depth = max(0, self._depth - 1)
            if self._depth == 0:
                self._started_task = False
                if self._turn is not None:
                    self._turn.done_at = now
                self._done.set()
        elif event == "first_interaction" and isinstance(data, dict):
            self.thread_id = data.get("thread_id") or self.thread_id
        elif event == "resume_thread":
            self.resumed = data
            self._resumed.set()
        turn, step = self._turn, data if isinstance(data, dict) else {}
        if turn is None:
            return
        output = step.get("output") or ""
        if event in ("new_message", "update_message") and (match := QUEUED.match(output)):
            turn.queued_at = turn.queued_at if turn.queued_at is not None else now
            turn.positions.append(int(match.group(1)))
            self._queue_message = step.get("id")
        elif event == "delete_message" and step.get("id") == self._queue_message:
            turn.served_at = now
        elif event == "stream_start" and turn.first_token_at is None:
            turn.first_token_at = now
        elif event == "new_message" and step.get("type") == "assistant_message":
            turn.answer = output
            if step.get("isError") or step.get("name") == "Error" or any(e in output for e in ERRORS + REFUSED):
                turn.error = output[:200]
            if self._depth == 0 and any(r in output for r in REFUSED):
                turn.done_at = now
                self._done.set()


async def thread_of(client: ChatClient) -> dict:
    """The stored thread of this client's conversation, through the chat's HTTP API (the history sidebar)."""
    async with client.http.post(client.base_url + "/project/threads", json={
            "pagination": {"first": 20}, "filter": {}}) as response:
        response.raise_for_status()
        threads = (await response.json())["data"]
    return next((t for t in threads if t["id"] == client.thread_id), {})


def dumps(turns: list[Turn]) -> str:
    return json.dumps([t.__dict__ for t in turns], ensure_ascii=False, indent=1)
