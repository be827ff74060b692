"""The prompt starts the local model keeps read, so that a question reads only what is its own.

Reading the prompt is most of the wait for the first word on a CPU. The fixed instructions (the answer's
and the support judge's) are read once at start-up. So is, for each section of the course, the answer
prompt's start up to the end of its first extract: every question whose best extract is that section
starts the same way, and then reads only its other extracts and itself. A question on a section not kept
yet (a new lesson, another language) keeps its start as it goes, at no extra cost: the answer reads it
anyway. Other providers cache prompts on their side; for them this does nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from langchain_core.messages import SystemMessage

from tutor.engine.context import start_variants
from tutor.prompting.prompts import PromptFile, PromptParts


class PromptStarts:
    def __init__(self, llm, render: Callable[..., PromptParts]):
        self.llm, self.render = llm, render

    def warm(self, answer: PromptFile, judge_system: str, chunks: Sequence = (), language: str = "fr") -> None:
        """The fixed instructions, then each chunk's start as first extract (about 150 tokens each)."""
        self.llm.warm_up([SystemMessage(judge_system)])
        self.llm.warm_up([SystemMessage(self.render(answer, language, extracts="", question="").system_text())])
        for chunk in chunks:
            self.remember(answer, language, "", [chunk])

    def remember(self, prompt: PromptFile, language: str, question: str, chunks: Sequence) -> None:
        """Keep the start of `prompt` up to its first extract, `chunks[0]` (unless that extract is cut to the
        question, when no other question would share it)."""
        if variants := start_variants(question, chunks):
            self.llm.remember_start([self.render(prompt, language, extracts=e, question=q).messages()
                                     for e, q in variants])
