"""One question answered with several prompt techniques, so that only the prompt differs."""

from __future__ import annotations

from dataclasses import replace

from tutor.engine.result import AskOptions, TutorResult
from tutor.prompting.prompts import PromptParts
from tutor.prompting.techniques import changed_parts


def compare(tutor, question: str, names: list[str], history=(), options: AskOptions | None = None
            ) -> list[TutorResult]:
    """The same question answered with each technique of `names`: one complete `TutorResult` each, in the
    same language and over the same history, so only the prompt differs."""
    options = options or AskOptions()
    results = []
    for name in names:
        result = tutor.ask(question, history, replace(options, technique=name))
        options = replace(options, language=result.language)
        results.append(result)
    return results


def differing_parts(a: TutorResult, b: TutorResult) -> list[str]:
    """The names of the prompt parts that differ between two answers' prompts (empty if one has none)."""
    parts = [{p["name"]: p["text"] for p in r.prompt.get("parts", [])} for r in (a, b)]
    if not all(parts):
        return []
    return changed_parts(PromptParts(**parts[0]), PromptParts(**parts[1]))
