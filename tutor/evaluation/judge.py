"""Optional LLM-judged faithfulness and helpfulness (1-5), for `tutor eval --judge`.

Needs a capable provider (bedrock, openai, ollama); the small embedded model is not a fair judge, so it
is refused. The CI gate never depends on it.
"""

from __future__ import annotations

import json
import re
from statistics import mean

from tutor.config import Settings
from tutor.prompting.prompts import load_prompts
from tutor.providers import make_chat_model

_JSON = re.compile(r"\{.*\}", re.DOTALL)


class JudgeConfigError(ValueError):
    pass


class Judge:
    def __init__(self, settings: Settings, provider: str):
        if provider == "local":
            raise JudgeConfigError("the embedded model is too small to judge answers: use --judge-provider "
                                   "bedrock, openai or ollama (with its TUTOR_LLM__* settings)")
        llm = settings.llm.model_copy(update={"provider": provider, "temperature": 0.0})
        self.model = make_chat_model(settings.model_copy(update={"llm": llm}))
        self.prompt = load_prompts()["judge"]

    def score(self, question: str, answer: str, extracts: list[str]) -> dict:
        parts = self.prompt.render(question=question, answer=answer,
                                   extracts="\n\n".join(f"[{n}] {t}" for n, t in enumerate(extracts, 1)))
        reply = self.model.invoke(parts.messages()).text
        match = _JSON.search(reply)
        try:
            data = json.loads(match.group()) if match else {}
            return {"faithfulness": _grade(data.get("faithfulness")), "helpfulness": _grade(data.get("helpfulness")),
                    "judge_reason": str(data.get("reason", ""))[:300]}
        except (ValueError, TypeError):
            return {"faithfulness": None, "helpfulness": None, "judge_reason": f"unreadable verdict: {reply[:200]}"}


def _grade(value) -> float | None:
    try:
        grade = float(value)
    except (TypeError, ValueError):
        return None
    return grade if 1 <= grade <= 5 else None


def judge_rows(judge: Judge, rows: list[dict], results: list[dict]) -> dict:
    """Add judge scores to answered rows; return their averages."""
    for row, result in zip(rows, results):
        if result.get("refused") or not result.get("answer"):
            continue
        extracts = [c["text"] for c in result.get("retrieved", []) if c.get("n")]
        row.update(judge.score(row["question"], result["answer"], extracts))
    out = {}
    for key in ("faithfulness", "helpfulness"):
        values = [r[key] for r in rows if r.get(key) is not None]
        out[f"judge_{key}"] = round(mean(values), 2) if values else None
    return out
