"""Calibrate the answer/decline decision on the answers dev split and show how it holds on test.

Run: .venv/bin/python benchmarks/decline_calibration.py [--write]
For every case (in-course: expect "answer"; off-course, near-course and injection: expect "refuse"), the
retrieval signals the engine decides on (tutor/engine/relevance.py): best dense score, coverage of the
question's words, best BM25 score. A logistic model is fitted on dev only; the table then gives, for each
threshold, the share of in-course questions answered and of off-course questions declined, on dev and on
test. `--write` stores the weights and the threshold chosen on dev in tutor/engine/calibration.json: the
highest threshold that still answers at least 98% of dev's in-course questions. Retrieval alone cannot
tell a near-course question ("Combien coûte Amazon Titan ?") from an in-course one, so this gate only
declines what is plainly off the course; the model's own decline and the support check of its answer
(tutor/engine/support.py) decline the rest.
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
from tutor.providers import embedding_model_name, make_embeddings  # noqa: E402

THRESHOLDS = (0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
MIN_ANSWERED = 0.98
VERBOSE = "--verbose" in sys.argv


def signals(retriever, policy, cases):
    rows = []
    for case in cases:
        if case.get("type") == "injection":  # declined by the injection rule before any retrieval
            continue
        turns = trim_history(case.get("history", []))
        query = standalone_question(case["question"], turns) if turns and is_follow_up(case["question"]) \
            else case["question"]
        s = policy.signals(retriever.retrieve(query))
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
        dev, test = signals(retriever, policy, load("dev")), signals(retriever, policy, load("test"))
    model = LogisticRegression(C=10.0, class_weight="balanced").fit([x for x, _ in dev], [y for _, y in dev])
    print(f"{len(dev)} dev cases, {len(test)} test cases; features: dense, coverage, bm25/10")
    print("weights:", [round(w, 3) for w in model.coef_[0]], "bias:", round(float(model.intercept_[0]), 3))
    print(f"{'threshold':>9} | {'dev answered':>12} {'dev declined':>12} | {'test answered':>13} {'test declined':>13}")
    chosen = None
    for t in THRESHOLDS:
        da, dd = rates(dev, model, t)
        ta, td = rates(test, model, t)
        print(f"{t:>9} | {da:>12.3f} {dd:>12.3f} | {ta:>13.3f} {td:>13.3f}")
        if da >= MIN_ANSWERED:
            chosen = t
    chosen = chosen or THRESHOLDS[0]
    print(f"threshold chosen on dev: {chosen}")
    if args.write:
        data = json.loads(CALIBRATION.read_text()) if CALIBRATION.exists() else {}
        data[embedding_model_name(settings.embeddings)] = {
            "weights": [round(float(w), 4) for w in model.coef_[0]] + [round(float(model.intercept_[0]), 4)],
            "threshold": chosen, "features": ["dense", "coverage", "bm25/10"], "fitted_on": "evals/answers-dev.jsonl"}
        CALIBRATION.write_text(json.dumps(data, indent=2) + "\n")
        print(f"written: {CALIBRATION}")


if __name__ == "__main__":
    main()
