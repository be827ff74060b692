"""The chat's socket.io events checked before Chainlit handles them (Chainlit stores a learner's message before
our `on_message` sees it, so limits must act here):

- `client_message`: over the rate limit or the length limit, the learner is told what to do and the message
  is neither stored nor answered;
- `edit_message`: refused while editing is off in the chat's config (Chainlit's handler does not check it);
- `chat_settings_change`: refused when larger than any settings the chat offers (they are stored with the thread).
"""

from __future__ import annotations

import json
import logging

from chainlit.config import config
from chainlit.context import init_ws_context
from chainlit.message import Message
from chainlit.session import WebsocketSession

from tutor.chat.throttle import Throttle, TooManyMessages, message_too_long
from tutor.chat.views import ASSISTANT_NAME
from tutor.errors import LearnerError
from tutor.i18n import detect_language

log = logging.getLogger(__name__)
MAX_SETTINGS_BYTES = 4096


def identity(session: WebsocketSession) -> str:
    return session.user.identifier if session.user else f"session:{session.id}"


def refusal(text: str, key: str, throttle: Throttle) -> LearnerError | None:
    """Why this learner's message must not go further, or None."""
    if not throttle.hit(key):
        return TooManyMessages(throttle.retry_after(key))
    return message_too_long(text)


async def tell(session: WebsocketSession, error: LearnerError, text: str) -> None:
    """Show a reply in the chat without storing it (the message it answers was not stored either)."""
    init_ws_context(session)
    reply = Message(content=error.message(detect_language(text[:1000])), author=ASSISTANT_NAME)
    await session.emit("new_message", reply.to_dict())


def _message_text(payload) -> str | None:
    message = payload.get("message") if isinstance(payload, dict) else None
    output = message.get("output") if isinstance(message, dict) else None
    return output if isinstance(output, str) else None


def install(sio, throttle: Throttle) -> None:
    handlers = sio.handlers.setdefault("/", {})
    chainlit_message = handlers["client_message"]
    chainlit_edit = handlers.get("edit_message")
    chainlit_settings = handlers.get("chat_settings_change")

    async def client_message(sid, payload):
        session = WebsocketSession.get(sid)
        text = _message_text(payload)
        if session is None or text is None:
            return None
        error = refusal(text, identity(session), throttle)
        if error is not None:
            log.info("message of %d characters refused for %s: %s", len(text), identity(session), error.code)
            await tell(session, error, text)
            return None
        return await chainlit_message(sid, payload)

    async def edit_message(sid, payload):
        text = _message_text(payload)
        if not config.features.edit_message or chainlit_edit is None or text is None or message_too_long(text):
            log.warning("edit_message refused (editing is off, or the text is over the limit)")
            return None
        return await chainlit_edit(sid, payload)

    async def chat_settings_change(sid, settings):
        if len(json.dumps(settings, default=str)) > MAX_SETTINGS_BYTES:
            log.warning("chat settings of more than %d bytes refused", MAX_SETTINGS_BYTES)
            return None
        return await chainlit_settings(sid, settings)

    handlers["client_message"] = client_message
    handlers["edit_message"] = edit_message
    if chainlit_settings is not None:
        handlers["chat_settings_change"] = chat_settings_change
