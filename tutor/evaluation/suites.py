"""The eval suites beyond answers: the support check (`entailment`) and teaching (`tutoring`).

Each returns `SuiteRun(metrics, rows, failures)`: metrics are figures with their gate thresholds
(evals/thresholds.json), rows say for every case what happened and why, failures name missed thresholds.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tutor.engine.support import SupportJudge


@dataclass
class SuiteRun:
    metrics: dict
    rows: list[dict] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    details: dict = field(default_factory=dict)

    def gate(self, thresholds: dict, at_most: tuple[str, ...] = ()) -> SuiteRun:
        for metric, limit in thresholds.items():
            value = self.metrics.get(metric)
            if value is None:
                continue
            if metric in at_most and value > limit:
                self.failures.append(f"{metric} = {value} is above the limit {limit}")
            elif metric not in at_most and value < limit:
                self.failures.append(f"{metric} = {value} is below the threshold {limit}")
        return self

    def as_dict(self) -> dict:
        return {"metrics": self.metrics, "threshold_failures": self.failures, "details": self.details,
                "cases": self.rows}


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def precision_recall(rows: list[dict], flagged: str, positive: str) -> tuple[float, float]:
    tp = sum(r[flagged] and r[positive] for r in rows)
    fp = sum(r[flagged] and not r[positive] for r in rows)
    fn = sum(r[positive] and not r[flagged] for r in rows)
    return round(tp / max(tp + fp, 1), 4), round(tp / max(tp + fn, 1), 4)


def entailment(judge: SupportJudge, pairs: list[dict], related=None) -> SuiteRun:
    """The support check on labelled sentence/extract pairs: a sentence the extract contradicts or does not
    support must be flagged (never shown with that citation); a supported one must pass. `related(sentence,
    extract)`: the engine's closeness by embedding, which it gives the check as it does for an answer."""
    rows = []
    for pair in pairs:
        close = bool(related and related(pair["sentence"], pair["extract"]))
        verdict = judge.check(pair["sentence"], pair["extract"], related=close)
        rows.append({"id": pair["id"], "kind": pair["kind"], "label": pair["label"], "verdict": verdict.label,
                     "reason": verdict.reason, "score": round(verdict.score, 3), "sentence": pair["sentence"],
                     "flagged": verdict.label != "supported", "positive": pair["label"] != "supported",
                     "contradiction": pair["label"] == "contradicted"})
    precision, recall = precision_recall(rows, "flagged", "positive")
    _, contradiction_recall = precision_recall(rows, "flagged", "contradiction")
    by_kind = Counter((r["kind"], r["flagged"] == r["positive"]) for r in rows)
    return SuiteRun({"cases": len(rows), "flag_precision": precision, "flag_recall": recall,
                     "contradiction_recall": contradiction_recall,
                     "accuracy": round(sum(r["flagged"] == r["positive"] for r in rows) / len(rows), 4)},
                    rows, details={"right_by_kind": {f"{k}:{ok}": n for (k, ok), n in sorted(by_kind.items())}})
