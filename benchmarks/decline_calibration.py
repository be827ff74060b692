"""Calibrate the answer/decline decision on the answers dev split and show how it holds on test.

Run: .venv/bin/python benchmarks/decline_calibration.py [--write]
For every case (in-course: expect "answer"; off-course, near-course and injection: expect "refuse"), the
retrieval signals the engine decides on (tutor/engine/relevance.py): best dense score, coverage of the
question's words, best BM25 score. A logistic model is fitted on dev only; the table then gives, for each
threshold, the share of in-course questions answered and of off-course questions declined, on dev and on
test. `--write` stores the weights and the threshold chosen on dev in tutor/engine/calibration.json: the
threshold that declines most of dev's off-course questions while still answering at least 98% of its in-course
ones (of equal ones, the lowest: when dev cannot tell them apart, the tutor answers). Retrieval alone cannot
tell a near-course question ("Combien coûte Amazon Titan ?") from an in-course one, so this gate only
declines what is plainly off the course; the model's own decline and the support check of its answer
(tutor/engine/support.py) decline the rest.

Questions in another language than the course's are decided on the dense score alone (their words are not
the course's): a second table gives each dense threshold's rates on those questions, and `--write` keeps the
one chosen the same way on dev's questions in that language, one step lower for a margin (there are few
of them: the lowest in-course score among 15 says little of the next question's).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tutor.config import Settings  # noqa: E402
from tutor.course.ingest import ingest  # noqa: E402
from tutor.course.reader import IndexReader  # noqa: E402
from tutor.engine.conversation import is_follow_up, standalone_question, trim_history  # noqa: E402
from tutor.engine.relevance import CALIBRATION, RelevancePolicy  # noqa: E402
from tutor.engine.retrieval import HybridRetriever  # noqa: E402
from tutor.i18n import conversation_language, detect_language  # noqa: E402
from tutor.providers import embedding_model_name, make_embeddings  # noqa: E402

THRESHOLDS = (0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
DENSE_THRESHOLDS = (0.76, 0.77, 0.78, 0.79, 0.8, 0.81, 0.82, 0.83, 0.84, 0.85)
MIN_ANSWERED = 0.98
VERBOSE = "--verbose" in sys.argv


def signals(retriever, policy, cases, crossing):
    """The signals of the questions in the course's language; the others' dense scores go to `crossing`."""
    rows = []
    for case in cases:
        if case.get("type") == "injection":  # declined by the injection rule before any retrieval
            continue
        turns = trim_history(case.get("history", []))
        query = standalone_question(case["question"], turns) if turns and is_follow_up(case["question"]) \
            else case["question"]
        retrieval = retriever.retrieve(query)
        s = policy.signals(retrieval)
        language = detect_language(case["question"], previous=conversation_language(turns))
        if language != retrieval.snapshot.language:  # decided on the dense score alone
            crossing.append((s.dense, case["expect"] == "answer"))
            continue
        rows.append((s.vector(), case["expect"] == "answer"))
        if VERBOSE and case.get("_split") == "dev":
            print(f"  {case['expect']:6} {case.get('type', ''):11} dense {s.dense:.3f} cov {s.coverage:.2f} "
                  f"bm25 {s.bm25:5.2f}  {case['question'][:70]}")
    return rows


def rates(rows, model, threshold):
    import numpy as np

    p = model.predict_proba(np.array([x for x, _ in rows]))[:, 1]
    answered = [pi >= threshold for pi, (_, inside) in zip(p, rows) if inside]
    declined = [pi < threshold for pi, (_, inside) in zip(p, rows) if not inside]
    return sum(answered) / max(len(answered), 1), sum(declined) / max(len(declined), 1)


def dense_rates(rows, threshold):
    answered = [d >= threshold for d, inside in rows if inside]
    declined = [d < threshold for d, inside in rows if not inside]
    return sum(answered) / max(len(answered), 1), sum(declined) / max(len(declined), 1)


def table(name, thresholds, rates_at, dev, test):
    """Print each threshold's answered / declined rates on dev and test; the threshold chosen on dev: the
    most declines that still answer MIN_ANSWERED of its in-course questions (a tie keeps answering)."""
    print(f"{name:>9} | {'dev answered':>12} {'dev declined':>12} | {'test answered':>13} {'test declined':>13}")
    chosen, best = None, -1.0
    for t in thresholds:
        (da, dd), (ta, td) = rates_at(dev, t), rates_at(test, t)
        print(f"{t:>9} | {da:>12.3f} {dd:>12.3f} | {ta:>13.3f} {td:>13.3f}")
        if da >= MIN_ANSWERED and dd > best:
            chosen, best = t, dd
    return chosen


def main() -> None:
    from sklearn.linear_model import LogisticRegression

    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="print every dev case's signals")
    args = parser.parse_args()
    load = lambda split: [dict(json.loads(line), _split=split)  # noqa: E731
                          for line in open(ROOT / "evals" / f"answers-{split}.jsonl")]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, data_dir=Path(tmp) / "data", knowledge={"dir": ROOT / "knowledge"})
        ingest(settings)
        retriever = HybridRetriever(IndexReader(settings.index_dir), make_embeddings(settings), settings.retrieval)
        policy = RelevancePolicy(None)
        dev_cross, test_cross = [], []
        dev, test = signals(retriever, policy, load("dev"), dev_cross), signals(retriever, policy, load("test"), test_cross)
    model = LogisticRegression(C=10.0, class_weight="balanced").fit([x for x, _ in dev], [y for _, y in dev])
    print(f"{len(dev)} dev cases, {len(test)} test cases; features: dense, coverage, bm25/10")
    print("weights:", [round(w, 3) for w in model.coef_[0]], "bias:", round(float(model.intercept_[0]), 3))
    chosen = table("threshold", THRESHOLDS, lambda rows, t: rates(rows, model, t), dev, test) or THRESHOLDS[0]
    print(f"threshold chosen on dev: {chosen}")
    print(f"\nin another language than the course's, dense score alone: {len(dev_cross)} dev, {len(test_cross)} test")
    dense = table("dense", DENSE_THRESHOLDS, dense_rates, dev_cross, test_cross)
    if dense is not None and dense > DENSE_THRESHOLDS[0]:  # a margin: a few questions' lowest score says little
        dense = DENSE_THRESHOLDS[DENSE_THRESHOLDS.index(dense) - 1]  # of the next in-course one's
    print(f"dense threshold chosen on dev (one step below, for a margin): {dense}")
    if args.write:
        data = json.loads(CALIBRATION.read_text()) if CALIBRATION.exists() else {}
        data[embedding_model_name(settings.embeddings)] = {
            "weights": [round(float(w), 4) for w in model.coef_[0]] + [round(float(model.intercept_[0]), 4)],
            "threshold": chosen, "features": ["dense", "coverage", "bm25/10"], "cross_language_dense": dense,
            "fitted_on": "evals/answers-dev.jsonl"}
        CALIBRATION.write_text(json.dumps(data, indent=2) + "\n")
        print(f"written: {CALIBRATION}")


if __name__ == "__main__":
    main()
