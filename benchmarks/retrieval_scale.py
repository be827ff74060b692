"""Retrieval at scale: a synthetic course of 10,000 and 100,000 chunks, indexed in a separate process
(its peak memory is the ingest's), then the engine's hybrid retrieval timed, step by step, over the dev
set's questions: the query's embedding (the real bundled model), the dense search (Chroma), BM25, and the
whole `HybridRetriever.retrieve` (the two searches run side by side, then fused).

Embedding 100,000 chunks with the real model takes hours on 2 cores; search latency does not depend on
the vectors' values, so the chunks get deterministic 384-d vectors under the real model's name (as in
engine_latency.py) while questions are embedded by the real model.

Run: .venv/bin/python benchmarks/retrieval_scale.py [--chunks 10000 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def write_course(folder: Path, chunks: int, seed: int = 0) -> None:
    """`chunks` sections of ~60-120 words drawn from the real course's sentences, 20 per lesson file."""
    import re

    text = " ".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "knowledge").glob("*.md")))
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", re.sub(r"[#>*`|-]", " ", text)) if len(s) > 30]
    rng = random.Random(seed)
    for lesson in range(chunks // 20):
        body = "".join(f"## Section {s}\n\n" + " ".join(rng.sample(sentences, rng.randint(3, 6))) + "\n\n"
                       for s in range(20))
        (folder / f"l{lesson:05}.md").write_text(f"---\nid: l{lesson:05}\ntitle: Leçon {lesson}\norder: {lesson}\n"
                                                 f"---\n{body}", encoding="utf-8")


def build(data: Path, kb: Path) -> None:
    """Run in a child process: index `kb` into `data` and print the peak memory."""
    from langchain_core.embeddings import DeterministicFakeEmbedding

    from tutor.config import Settings
    from tutor.course.ingest import ingest
    from tutor.providers import embedding_model_name
    from tutor.providers.embeddings import CachedEmbeddings

    settings = Settings(_env_file=None, data_dir=data, cache_dir=data / "cache", knowledge={"dir": kb})
    vectors = CachedEmbeddings(DeterministicFakeEmbedding(size=384), embedding_model_name(settings.embeddings),
                               data / "vectors.sqlite", batch_size=500)
    started = time.perf_counter()
    report = ingest(settings, embeddings=vectors)
    print(json.dumps({"chunks": report.chunks, "seconds": time.perf_counter() - started,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def measure(data: Path, kb: Path, questions: list[str], repeat: int) -> None:
    from tutor.config import Settings
    from tutor.course.reader import IndexReader
    from tutor.engine.retrieval import HybridRetriever
    from tutor.providers import make_embeddings

    settings = Settings(_env_file=None, data_dir=data, knowledge={"dir": kb})
    embeddings = make_embeddings(settings)
    reader = IndexReader(settings.index_dir)
    started = time.perf_counter()
    snap = reader.snapshot()
    retriever = HybridRetriever(reader, embeddings, settings.retrieval)
    bm25 = retriever._bm25_for(snap)
    print(f"  open the version (manifest, Chroma copy, keyword index): {time.perf_counter() - started:.1f} s")
    steps: dict[str, list[float]] = {"query embedding": [], "dense search (Chroma)": [], "BM25": [],
                                     "retrieve (whole)": []}
    for _ in range(repeat):
        for q in questions:
            t0 = time.perf_counter()
            vector = embeddings.embed_query(q)
            t1 = time.perf_counter()
            snap.dense_search(vector, settings.retrieval.candidates)
            t2 = time.perf_counter()
            bm25.search(q, settings.retrieval.candidates)
            t3 = time.perf_counter()
            retriever.retrieve(q)
            t4 = time.perf_counter()
            for name, ms in zip(steps, ((t1 - t0), (t2 - t1), (t3 - t2), (t4 - t3))):
                steps[name].append(ms * 1000)
    for name, values in steps.items():
        print(f"  {name:24} p50 {pct(values, .5):6.1f} ms   p95 {pct(values, .95):6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--build", nargs=2, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.build:
        return build(Path(args.build[0]), Path(args.build[1]))
    cases = [json.loads(line) for line in open(ROOT / "evals" / "answers-dev.jsonl", encoding="utf-8")]
    questions = [c["question"] for c in cases if not c.get("history")][:60]
    print(f"machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.chunks:
            kb, data = Path(tmp) / f"kb-{n}", Path(tmp) / f"data-{n}"
            kb.mkdir()
            write_course(kb, n)
            child = subprocess.run([sys.executable, __file__, "--build", str(data), str(kb)], capture_output=True,
                                   text=True, check=True)
            built = json.loads(child.stdout.strip().splitlines()[-1])
            print(f"{built['chunks']} chunks: ingest {built['seconds']:.0f} s, peak memory {built['peak_mb']:.0f} MB")
            measure(data, kb, questions, args.repeat)


if __name__ == "__main__":
    main()
