"""Which web pages may talk to the chat: the configured origins only (TUTOR_SERVER__ALLOWED_ORIGINS; by default
this host and port). The same list governs HTTP CORS, the socket.io WebSocket's Origin (browsers send cookies
to every port of a host, so a page on another port must not open the chat's socket as the learner) and
state-changing HTTP requests sent from another origin.
"""

from __future__ import annotations

import json
import logging

from tutor.config import ServerSettings

log = logging.getLogger(__name__)
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def allowed_origins(server: ServerSettings) -> list[str]:
    """The configured origins, or this chat's own addresses (localhost, 127.0.0.1, [::1], the configured host)."""
    if server.allowed_origins:
        return [origin.rstrip("/") for origin in server.allowed_origins]
    hosts = ["localhost", "127.0.0.1", "[::1]"]
    if server.host not in ("127.0.0.1", "0.0.0.0", "::", "localhost", ""):
        hosts.append(f"[{server.host}]" if ":" in server.host else server.host)
    return [f"http://{host}:{server.port}" for host in hosts]


class OriginCheck:
    """`origin -> bool` for python-engineio's `cors_allowed_origins`: it is asked for every socket connection
    whose request carries an Origin (browsers always send one), and a False refuses the connection."""

    def __init__(self, origins: list[str]):
        self.origins = set(origins)
        self._logged: set[str] = set()

    def __call__(self, origin: str | None, environ: dict | None = None) -> bool:
        if origin in self.origins:
            return True
        if origin not in self._logged and len(self._logged) < 100:
            self._logged.add(origin)
            log.warning("refused a connection from the page at %s: if it is this chat's own public address, add it "
                        "to TUTOR_SERVER__ALLOWED_ORIGINS (allowed now: %s)", origin, ", ".join(sorted(self.origins)))
        return False


def restrict_socket(sio, origins: list[str]) -> None:
    """Make Chainlit's socket.io server check the Origin of every connection. Chainlit creates it with
    `cors_allowed_origins=[]`, which python-engineio reads as "no check at all"."""
    sio.eio.cors_allowed_origins = OriginCheck(origins)


class CrossOriginGuard:
    """Pure ASGI middleware: a state-changing request (POST, PUT, PATCH, DELETE) sent by a page of another
    origin is refused with 403, even when it needs no CORS preflight (a form post, a `text/plain` fetch)."""

    def __init__(self, app, origins: list[str]):
        self.app = app
        self.check = OriginCheck(origins)

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] in UNSAFE_METHODS:
            origin = dict(scope.get("headers", [])).get(b"origin")
            if origin is not None and not self.check(origin.decode("latin-1")):
                body = json.dumps({"detail": "cross-origin request refused"}).encode()
                await send({"type": "http.response.start", "status": 403,
                            "headers": [(b"content-type", b"application/json"),
                                        (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)
