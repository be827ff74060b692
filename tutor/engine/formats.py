"""Answers in a required output format, checked by code: the citation check runs inside the format.

A Markdown list or table goes through the citation check line by line as it is. A JSON answer is parsed,
each string in it is checked, and the object is written back; when the model breaks the format the tutor
says so (a lesson in itself: a format constraint must be verified) and checks the raw text instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from tutor.engine.citations import CitationCheck

_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$")
JSON_SCHEMA = {"reponse": str, "points_cles": list}


def parse_json_answer(text: str) -> dict | None:
    """The JSON object the reply consists of (code fences allowed), or None if it is anything else."""
    body = _FENCE.sub("", text.strip()).strip()
    if not (body.startswith("{") and body.endswith("}")):
        return None
    try:
        data = json.loads(body)
    except json.JSONDecodeError:
        return None
    if not isinstance(data, dict) or set(data) != set(JSON_SCHEMA) \
            or not all(isinstance(data[k], t) for k, t in JSON_SCHEMA.items()) \
            or not all(isinstance(x, str) for x in data["points_cles"]):
        return None
    return data


def check_formatted(draft: str, output: str, check: Callable[[str], CitationCheck]) -> tuple[CitationCheck, bool | None]:
    """(citation check, format respected?) for a draft in the prompt's output format (None: free text)."""
    if output != "json":
        return check(draft), None
    data = parse_json_answer(draft)
    if data is None:
        return check(draft), False
    checks: list[CitationCheck] = []

    def checked(text: str) -> str:
        result = check(text)
        checks.append(result)
        return result.answer

    data = {"reponse": checked(data["reponse"]), "points_cles": [checked(x) for x in data["points_cles"]]}
    used = list(dict.fromkeys(n for c in checks for n in c.used))
    answer = "```json\n" + json.dumps(data, ensure_ascii=False, indent=2) + "\n```"
    return CitationCheck(answer, used, [n for c in checks for n in c.dropped],
                         [s for c in checks for s in c.sentences]), True
