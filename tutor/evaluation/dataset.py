"""Eval datasets: JSONL, one case per line (format in evals/README.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path


class DatasetError(ValueError):
    """A malformed dataset line; the message gives the file and line number."""


@dataclass(frozen=True)
class Case:
    id: str
    question: str
    expect: str  # answer | refuse
    lang: str  # fr | en
    history: list[dict] = field(default_factory=list)
    key_facts: list[list[str]] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    lesson: str = ""  # optional: for the per-lesson breakdown
    type: str = ""  # optional: for the per-type breakdown


def _check(cond: bool, where: str, message: str) -> None:
    if not cond:
        raise DatasetError(f"{where}: {message}")


def load_dataset(path: Path) -> list[Case]:
    """Every case of `path`; unknown fields are ignored, a malformed line stops the run with its number."""
    cases: list[Case] = []
    seen: set[str] = set()
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"{path}: cannot read ({exc})") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{where}: not valid JSON ({exc.msg})") from None
        _check(isinstance(data, dict), where, "each line must be a JSON object")
        for key in ("id", "question", "expect", "lang"):
            _check(isinstance(data.get(key), str) and data[key].strip() != "", where, f"'{key}' must be a non-empty string")
        _check(data["expect"] in ("answer", "refuse"), where, "'expect' must be \"answer\" or \"refuse\"")
        _check(data["lang"] in ("fr", "en"), where, "'lang' must be \"fr\" or \"en\"")
        _check(data["id"] not in seen, where, f"duplicate id '{data['id']}'")
        history = data.get("history") or []
        _check(isinstance(history, list) and all(
            isinstance(t, dict) and t.get("role") in ("user", "assistant") and isinstance(t.get("content"), str)
            for t in history), where, "'history' must be a list of {\"role\": \"user\"|\"assistant\", \"content\": \"...\"}")
        key_facts = data.get("key_facts") or []
        _check(isinstance(key_facts, list) and all(
            isinstance(g, list) and g and all(isinstance(a, str) for a in g) for g in key_facts),
            where, "'key_facts' must be a list of non-empty lists of strings")
        evidence = data.get("evidence") or []
        _check(isinstance(evidence, list) and all(isinstance(e, str) for e in evidence), where,
               "'evidence' must be a list of strings")
        seen.add(data["id"])
        cases.append(Case(data["id"], data["question"], data["expect"], data["lang"], history, key_facts, evidence,
                          str(data.get("lesson", "")), str(data.get("type", ""))))
    if not cases:
        raise DatasetError(f"{path}: no cases")
    return cases
