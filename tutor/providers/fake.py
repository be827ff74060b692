"""A fake chat model for tests: streams canned replies in turn and records every prompt it received."""

from __future__ import annotations

from time import sleep
from typing import Any

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatResult
from pydantic import Field


class RecordingFakeChatModel(GenericFakeChatModel):
    """`GenericFakeChatModel` that keeps the messages of each call in `calls` (tests assert on them), and
    answers yes/no readings with the probabilities of `verdicts`, in turn (recorded in `readings`). With
    `delay_s`, each reply takes that long before its first token (a slow model, for load tests)."""

    calls: list[list[BaseMessage]] = Field(default_factory=list)
    readings: list[list[BaseMessage]] = Field(default_factory=list)
    verdicts: list[float] = Field(default_factory=lambda: [1.0])
    delay_s: float = 0.0
    model_name: str = "fake"

    def choice_probabilities(self, messages: list[BaseMessage], choices: dict) -> dict[str, float]:
        p = self.verdicts[len(self.readings) % len(self.verdicts)]
        self.readings.append(list(messages))
        first, *others = list(choices)
        return {first: p} | {name: (1 - p) / max(len(others), 1) for name in others}

    def first_token_probability(self, messages: list[BaseMessage], word: str) -> float:
        return 0.0

    def _generate(self, messages: list[BaseMessage], stop=None, run_manager=None, **kwargs: Any) -> ChatResult:
        self.calls.append(list(messages))
        if self.delay_s > 0:
            sleep(self.delay_s)
        return super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)
