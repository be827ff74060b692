"""Run a dataset through the engine (the same engine as the chat) and judge it against the thresholds."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tutor.engine.input import QuestionError
from tutor.engine.result import AskOptions
from tutor.errors import LearnerError
from tutor.evaluation.dataset import Case
from tutor.evaluation.metrics import aggregate, breakdown, score_case
from tutor.teaching.session import Session

# Metrics where lower is better (latencies) are never gated; every gated metric is "at least".
GATED = ("hit_at_k", "fully_correct", "citation_validity", "in_course_answered", "off_course_declined",
         "language_match")


@dataclass
class EvalRun:
    rows: list[dict]
    summary: dict
    by_lesson: dict
    by_type: dict
    failures: list[str]  # thresholds missed, as sentences
    baseline_delta: dict
    meta: dict

    def as_dict(self) -> dict:
        return {"meta": self.meta, "summary": self.summary, "by_lesson": self.by_lesson, "by_type": self.by_type,
                "threshold_failures": self.failures, "baseline_delta": self.baseline_delta, "cases": self.rows}


def run_case(teacher, case: Case, technique: str = "zero-shot") -> dict:
    """One case as a learner would send it: through the teacher (acts, then the engine), with its history."""
    try:
        session = Session(history=list(case.history))
        result = teacher.ask(case.question, session, AskOptions(technique=technique)).as_dict()
    except QuestionError as exc:
        result = {"answer": "", "refused": True, "refusal_reason": f"bad_input:{exc.code}"}
    except LearnerError as exc:
        result = {"answer": exc.message(case.lang), "refused": False, "error": exc.code}
    return result


def evaluate(teacher, cases: list[Case], thresholds: dict, baseline: dict | None = None,
             progress: Callable[[int, int, dict], None] | None = None, judge=None,
             technique: str = "zero-shot") -> EvalRun:
    """Run every case with the prompt `technique`; `judge` (optional, see judge.py) adds LLM-judged scores
    outside the gate."""
    started = time.perf_counter()
    rows, results = [], []
    for i, case in enumerate(cases, 1):
        result = run_case(teacher, case, technique)
        row = score_case(case, result)
        rows.append(row)
        results.append(result)
        if progress:
            progress(i, len(cases), row)
    summary = aggregate(rows)
    if judge is not None:
        from tutor.evaluation.judge import judge_rows

        summary.update(judge_rows(judge, rows, results))
    failures = [
        f"{metric} = {summary[metric]} is below the threshold {minimum}"
        for metric, minimum in thresholds.items()
        if summary.get(metric) is not None and summary[metric] < minimum
    ]
    base = (baseline or {}).get("summary", {})
    delta = {k: round(v - base[k], 4) for k, v in summary.items()
             if isinstance(v, (int, float)) and isinstance(base.get(k), (int, float))}
    tutor = teacher.tutor
    meta = {"provider": tutor.settings.llm.provider, "model": tutor.llm.name, "technique": technique,
            "embeddings": tutor.settings.embeddings.provider, "seconds": round(time.perf_counter() - started, 1),
            "thresholds": thresholds}
    return EvalRun(rows, summary, breakdown(rows, "lesson"), breakdown(rows, "type"), failures, delta, meta)


def load_json(path: Path) -> dict | None:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
