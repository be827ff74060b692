"""Who may read or change what, over HTTP: the routes placed before Chainlit's own so that

- a stored source (`/tutor/elements/<owner id>/<element id>/<name>`) is served only to its owner, the key
  normalised first (no `..`, no encoded separators), for anonymous learners and password accounts alike;
- feedback (PUT / DELETE /feedback) is accepted only on one's own messages and one's own feedback, with a
  comment of reasonable length (Chainlit's handlers check neither);
- buttons (POST /project/action) share the learner's message rate limit: a click runs the tutor too.
"""

from __future__ import annotations

from chainlit.auth import get_current_user, get_token_from_cookies
from chainlit.auth.jwt import decode_jwt
from chainlit.data import get_data_layer
from chainlit.server import call_action, delete_feedback, update_feedback
from chainlit.types import CallActionRequest, DeleteFeedbackRequest, UpdateFeedbackRequest
from fastapi import Depends, HTTPException, Request
from fastapi.responses import FileResponse
from fastapi.routing import APIRoute

from tutor.chat.identity import cookie_value, learner_id
from tutor.chat.storage import LocalStorageClient
from tutor.chat.throttle import Throttle

MAX_COMMENT_CHARS = 2000


class Access:
    """The routes, given the element store, whether accounts have passwords, and the message rate limit."""

    def __init__(self, storage: LocalStorageClient, password_mode: bool, throttle: Throttle):
        self.storage = storage
        self.password_mode = password_mode
        self.throttle = throttle

    def routes(self, root_path: str = "") -> list[APIRoute]:
        """The routes; those that stand in front of Chainlit's own share its root path."""
        return [
            APIRoute("/tutor/elements/{key:path}", self.serve_element, methods=["GET"]),
            APIRoute(f"{root_path}/feedback", self.update_feedback, methods=["PUT"]),
            APIRoute(f"{root_path}/feedback", self.delete_feedback, methods=["DELETE"]),
            APIRoute(f"{root_path}/project/action", self.call_action, methods=["POST"]),
        ]

    async def request_user(self, request: Request):
        """The stored user behind this request: Chainlit's session token (any mode), else, for anonymous
        learners, the browser's cookie."""
        identifier = None
        if token := get_token_from_cookies(request.cookies):
            try:
                identifier = decode_jwt(token).identifier
            except Exception:  # noqa: BLE001 - an expired or forged token identifies nobody
                identifier = None
        if identifier is None and not self.password_mode:
            cookie = cookie_value(request.headers.get("cookie"))
            identifier = learner_id(cookie) if cookie else None
        return await get_data_layer().get_user(identifier) if identifier else None

    async def serve_element(self, request: Request, key: str):
        """A stored source, only for the learner whose threads it belongs to (checked on the resolved path)."""
        user = await self.request_user(request)
        path = self.storage.path_for(key) if "\\" not in key and "\x00" not in key else None
        if user is None or path is None or path.name.endswith(".mime") or not path.is_file():
            raise HTTPException(status_code=404)
        owner = path.relative_to(self.storage.root.resolve()).parts[0]
        if owner != user.id:
            raise HTTPException(status_code=404)
        kind = self.storage.media_type(path)
        return FileResponse(path, media_type=f"{kind}; charset=utf-8" if kind.startswith("text/") else kind)

    async def update_feedback(self, request: Request, update: UpdateFeedbackRequest,
                              current_user=Depends(get_current_user)):
        feedback = update.feedback
        if feedback.comment and len(feedback.comment) > MAX_COMMENT_CHARS:
            raise HTTPException(status_code=413, detail=f"comment over {MAX_COMMENT_CHARS} characters")
        layer = get_data_layer()
        owner = await layer.owner_of_step(feedback.forId) if current_user else None
        if owner is None or owner[1] != current_user.identifier:
            raise HTTPException(status_code=404, detail="no such message in your conversations")
        if feedback.id:
            existing = await layer.owner_of_feedback(feedback.id)
            if existing is not None and (existing[2] != current_user.identifier or existing[0] != feedback.forId):
                raise HTTPException(status_code=404, detail="no such feedback in your conversations")
        feedback.threadId = owner[0]  # never the thread the browser names
        return await update_feedback(request, update, current_user)

    async def delete_feedback(self, request: Request, payload: DeleteFeedbackRequest,
                              current_user=Depends(get_current_user)):
        existing = await get_data_layer().owner_of_feedback(payload.feedbackId) if current_user else None
        if existing is None or existing[2] != current_user.identifier:
            raise HTTPException(status_code=404, detail="no such feedback in your conversations")
        return await delete_feedback(request, payload, current_user)

    async def call_action(self, payload: CallActionRequest, current_user=Depends(get_current_user)):
        key = current_user.identifier if current_user else f"session:{payload.sessionId}"
        if not self.throttle.hit(key):
            wait = self.throttle.retry_after(key)
            raise HTTPException(status_code=429, detail=f"too many requests: wait {wait} s",
                                headers={"Retry-After": str(wait)})
        return await call_action(payload, current_user)
