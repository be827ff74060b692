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


def shape(answer: str) -> str:
    """What an answer looks like: "table", "json", "list", "steps" or "paragraph"."""
    lines = [line.strip() for line in answer.splitlines() if line.strip()]
    if any(line.startswith("|") for line in lines):
        return "table"
    if answer.lstrip().startswith(("```json", "{")):
        return "json"
    if sum(line.startswith(("- ", "* ", "• ")) for line in lines) >= 2:
        return "list"
    if sum(line[:2].rstrip(".)").isdigit() for line in lines) >= 2:
        return "steps"
    return "paragraph"


def answer_difference(a: TutorResult, b: TutorResult) -> dict:
    """How two answers differ: their shapes, lengths, sources, and whether they say the same words."""
    from tutor.text import analyze

    words_a, words_b = set(analyze(a.answer)), set(analyze(b.answer))
    same_words = len(words_a & words_b) / max(len(words_a | words_b), 1)
    return {"shapes": [shape(a.answer), shape(b.answer)], "words": [len(a.answer.split()), len(b.answer.split())],
            "sources": [[c.chunk_id for c in a.citations], [c.chunk_id for c in b.citations]],
            "identical": a.answer.strip() == b.answer.strip(), "same_words": round(same_words, 2)}
