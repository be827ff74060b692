"""Security headers on every response of the chat (pure ASGI middleware).

The Content-Security-Policy lets the page load scripts, images, fonts and connections from the chat's own
origin only: a Markdown image in an answer pointing elsewhere is not fetched, a script injected elsewhere
does not run. Two exceptions Chainlit needs: the inline scripts of its page (allowed by their hashes,
computed from the page itself) and `'unsafe-eval'`, with which it compiles the chat's custom elements
(public/elements/*.jsx). The chat cannot be framed by another site (frame-ancestors, X-Frame-Options).
"""

from __future__ import annotations

import base64
import hashlib
import re

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)


def inline_script_hashes(html: str) -> list[str]:
    """CSP sources ('sha256-...') for the inline scripts of a page."""
    return [f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'"
            for body in _INLINE_SCRIPT.findall(html)]


def content_security_policy(script_hashes: list[str]) -> str:
    return "; ".join([
        "default-src 'self'",
        " ".join(["script-src 'self' 'unsafe-eval'", *script_hashes]),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "media-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


class SecurityHeadersMiddleware:
    """Adds the policy and the usual hardening headers to every HTTP response that does not set its own.
    `page` returns the chat's HTML page (called once, lazily, to hash its inline scripts)."""

    def __init__(self, app, page):
        self.app = app
        self.page = page
        self._headers: list[tuple[bytes, bytes]] | None = None

    def headers(self) -> list[tuple[bytes, bytes]]:
        if self._headers is None:
            policy = content_security_policy(inline_script_hashes(self.page()))
            self._headers = [
                (b"content-security-policy", policy.encode()),
                (b"x-frame-options", b"DENY"),
                (b"x-content-type-options", b"nosniff"),
                (b"referrer-policy", b"no-referrer"),
                (b"cross-origin-opener-policy", b"same-origin"),
                (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
            ]
        return self._headers

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        extra = self.headers()

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                added = [(k, v) for k, v in extra if k not in present]
                message = dict(message, headers=list(message.get("headers", [])) + added)
            await send(message)

        await self.app(scope, receive, send_with_headers)
