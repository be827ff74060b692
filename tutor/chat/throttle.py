"""Abuse limits, per identity, with the `limits` library (moving windows, in this process's memory).

- Messages: a learner's message over the length limit, or beyond TUTOR_SERVER__MESSAGES_PER_MINUTE, is refused
  on the socket, before Chainlit stores it, with a reply saying what to do (never stored, never answered).
- Logins: TUTOR_AUTH__LOGINS_PER_MINUTE attempts per user name and per client address (an ASGI middleware on
  POST /login, answering 429 with Retry-After); over it, even a right password waits.
"""

from __future__ import annotations

import json
import logging
import time
from urllib.parse import parse_qs

from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from tutor.engine.input import MAX_QUESTION_CHARS, QuestionError, clean_question
from tutor.errors import LearnerError
from tutor.i18n import Text

log = logging.getLogger(__name__)
# A command ("/compare few-shot role ...", "/prompt ...") may carry a whole question after its own words.
COMMAND_ROOM = 64


def message_too_long(text: str) -> QuestionError | None:
    """The "too long" error for a message no handler would take (the engine's limit, once cleaned), else None."""
    limit = MAX_QUESTION_CHARS + (COMMAND_ROOM if text.lstrip().startswith("/") else 0)
    try:
        clean_question(text, limit)
    except QuestionError as exc:
        return exc if exc.code == "too_long" else None
    return None


class Throttle:
    """At most `per_minute` hits per key in any 60-second window."""

    def __init__(self, per_minute: int):
        self.item = RateLimitItemPerMinute(max(1, per_minute))
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def hit(self, key: str) -> bool:
        """Count one hit; False when the key is over its limit (the hit is then not counted)."""
        return self.limiter.hit(self.item, key)

    def retry_after(self, key: str) -> int:
        """Seconds until the key may hit again."""
        reset = self.limiter.get_window_stats(self.item, key).reset_time
        return max(1, int(reset - time.time() + 0.999))


class TooManyMessages(LearnerError):
    def __init__(self, seconds: int):
        super().__init__("too_many_messages", Text(
            "Vous envoyez beaucoup de messages d'un coup : attendez {s} secondes, puis reposez votre question.",
            "You are sending many messages at once: wait {s} seconds, then ask again.").format(s=seconds))


class LoginThrottleMiddleware:
    """Pure ASGI middleware on POST {root}/login: at most `throttle`'s rate per client address and per user name
    (known or not, so a refusal tells nothing about accounts), else 429 with Retry-After. The small form is
    read here to learn the name, then handed on unchanged."""

    MAX_BODY = 8192

    def __init__(self, app, throttle: Throttle, path: str = "/login"):
        self.app = app
        self.throttle = throttle
        self.path = path

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST" or not scope["path"].endswith(self.path):
            return await self.app(scope, receive, send)
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.MAX_BODY:
                return await _refuse(send, 413, "login form too large")
        name = parse_qs(body.decode("utf-8", "replace")).get("username", [""])[0]
        client = (scope.get("client") or ("unknown", 0))[0]
        for key in (f"address:{client}", f"name:{name}"):
            if not self.throttle.hit(key):
                wait = self.throttle.retry_after(key)
                log.warning("login attempts over the limit (%s); refused for %d s", key.split(":")[0], wait)
                return await _refuse(send, 429, f"too many login attempts: wait {wait} s", wait)
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _refuse(send, status: int, detail: str, retry_after: int | None = None) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if retry_after is not None:
        headers.append((b"retry-after", str(retry_after).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
