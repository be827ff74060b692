"""Calibrate the grader's soft decision on the grading dev split and show how it holds on test.

Run: .venv/bin/python benchmarks/grading_calibration.py [--write]
For every labelled answer that no rule decides (tutor/teaching/grading.py: Grader.ruled), the four signals
the grader weighs: coverage of the expected answer's parts, the chat model's reading, embedding closeness
and length ratio. A multinomial logistic model (standardised inputs, C=0.3) is fitted on dev only. The
table gives the whole grader's accuracy on dev (fitted; leave-one-out for answers taken as one claim) and on
test, with the veto of grading.soft_verdict and the claim-by-claim step applied, and the count of wrong
answers it would grade correct. `--write` stores the model in tutor/teaching/grading.json under the
embedding model's name. About ten minutes with the local model on 2 cores.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tutor.config import Settings  # noqa: E402
from tutor.providers import embedding_model_name, make_embeddings  # noqa: E402
from tutor.providers.chat import ChatProvider  # noqa: E402
from tutor.teaching import grading  # noqa: E402

C = 0.3


def rows_of(grader: grading.Grader, split: str) -> list[dict]:
    rows = []
    for line in open(ROOT / "evals" / f"grading-{split}.jsonl", encoding="utf-8"):
        case = json.loads(line)
        ruled = grader.ruled(case["question"], case["expected"], case["answer"], case.get("evidence", ""))
        signals = None if ruled else grader.signals(case["question"], case["expected"], case["answer"])
        rows.append({"label": case["label"], "ruled": ruled.verdict if ruled else None, "signals": signals,
                     "share": grading.coverage_of(case["expected"], case["answer"])})
    return rows


def score(rows: list[dict], predicted: list[str]) -> tuple[float, int, Counter]:
    ok = sum(p == r["label"] for r, p in zip(rows, predicted))
    wrong_correct = sum(p == grading.CORRECT and r["label"] == grading.INCORRECT for r, p in zip(rows, predicted))
    return ok / len(rows), wrong_correct, Counter((r["label"], p) for r, p in zip(rows, predicted) if p != r["label"])


def weights_of(model) -> grading.Weights:
    scaler, logistic = model.named_steps["standardscaler"], model.named_steps["logisticregression"]
    rounded = lambda values: [round(float(v), 6) for v in values]  # noqa: E731
    return grading.Weights([str(c) for c in logistic.classes_], rounded(scaler.mean_), rounded(scaler.scale_),
                           [rounded(row) for row in logistic.coef_], rounded(logistic.intercept_))


def predictions(grader: grading.Grader, split: str) -> list[str]:
    """The verdicts of the whole grader (answers that make several claims graded claim by claim too)."""
    return [grader.grade(c["question"], c["expected"], c["answer"], c.get("evidence", "")).verdict for c in cases_of(split)]


def cases_of(split: str) -> list[dict]:
    return [json.loads(line) for line in open(ROOT / "evals" / f"grading-{split}.jsonl", encoding="utf-8")]


def main() -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    settings = Settings()
    grader = grading.Grader(ChatProvider(settings), embeddings=make_embeddings(settings))
    grader.reading = functools.cache(grader.reading)  # each answer is read once, whatever weighs the reading
    dev, test = rows_of(grader, "dev"), rows_of(grader, "test")
    soft = [r for r in dev if r["signals"] is not None]
    fit = lambda rows: make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=2000)).fit(  # noqa: E731
        [r["signals"].vector() for r in rows], [r["label"] for r in rows])
    loo = {}
    for i, held in enumerate(soft):  # leave-one-out: each dev answer graded by a model fitted without it
        without = weights_of(fit(soft[:i] + soft[i + 1:]))
        loo[id(held)] = grading.soft_verdict(without.probabilities(held["signals"]), held["signals"], held["share"])
    weights = weights_of(fit(soft))
    full = grading.Grader(grader.llm, embeddings=grader.embeddings, weights=weights)
    full.reading = grader.reading
    rules = grading.Grader(grader.llm)
    rules.reading = grader.reading
    print(f"signals: {', '.join(grading.SIGNALS)}; dev answers decided by the rules: {len(dev) - len(soft)}/{len(dev)}")
    print(f"{'':22} {'accuracy':>8} {'wrong graded correct':>21}  errors (label, verdict)")
    for name, rows, predicted in (
            ("dev, leave-one-out *", dev, [r["ruled"] or loo[id(r)] for r in dev]),
            ("dev, fitted", dev, predictions(full, "dev")),
            ("test", test, predictions(full, "test"))):
        accuracy, wrong, errors = score(rows, predicted)
        print(f"{name:22} {accuracy:8.3f} {wrong:21d}  {dict(errors)}")
    for split in ("dev", "test"):  # the rules and the single-threshold reading, for comparison
        accuracy, wrong, _ = score([{"label": c["label"]} for c in cases_of(split)], predictions(rules, split))
        print(f"{'rules only, ' + split:22} {accuracy:8.3f} {wrong:21d}")
    print("* each answer taken as one claim (the claim-by-claim step needs the fitted model)")
    if args.write:
        data = json.loads(grading.CALIBRATION.read_text()) if grading.CALIBRATION.exists() else {}
        data[embedding_model_name(settings.embeddings)] = dict(vars(weights), signals=list(grading.SIGNALS), C=C,
                                                               fitted_on="evals/grading-dev.jsonl")
        grading.CALIBRATION.write_text(json.dumps(data, indent=2) + "\n")
        print(f"written: {grading.CALIBRATION.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
