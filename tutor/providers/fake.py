"""A fake chat model for tests: streams canned replies in turn and records every prompt it received."""

from __future__ import annotations

from typing import Any

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatResult
from pydantic import Field


class RecordingFakeChatModel(GenericFakeChatModel):
    """`GenericFakeChatModel` that keeps the messages of each call in `calls` (tests assert on them)."""

    calls: list[list[BaseMessage]] = Field(default_factory=list)
    model_name: str = "fake"

    def _generate(self, messages: list[BaseMessage], stop=None, run_manager=None, **kwargs: Any) -> ChatResult:
        self.calls.append(list(messages))
        return super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)
