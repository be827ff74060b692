"""Teaching speed with the default local model, warm, in one process: how long a learner waits for a check
question ("Pose-moi une question sur ..."), for the grading of their answer (a right one, then a wrong one),
and for a hint. Each figure is the whole turn through the teacher (act, item, validation, grading).

Run: .venv/bin/python benchmarks/teaching_latency.py [--rounds 4]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tutor.config import Settings  # noqa: E402
from tutor.engine.tutor import Tutor  # noqa: E402
from tutor.teaching.session import Session  # noqa: E402
from tutor.teaching.turn import Teacher  # noqa: E402

TOPICS = ("les prompts", "les modèles de base", "les LLM", "l'ingénierie de prompt", "le machine learning classique",
          "la génération d'images")
WRONG = "Je crois que c'est la couleur de l'interface."


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def timed(teacher: Teacher, message: str, session: Session):
    started = time.perf_counter()
    result = teacher.ask(message, session)
    return time.perf_counter() - started, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=4, help="check questions asked (each graded twice)")
    args = parser.parse_args()
    teacher = Teacher(Tutor(Settings()))
    teacher.ask("Bonjour !", Session())  # warm: the act classifier, the model, the index
    waits: dict[str, list[float]] = {"check question": [], "hint": [], "grading (right answer)": [],
                                     "grading (wrong answer)": []}
    verdicts = []
    for i in range(args.rounds):
        topic = TOPICS[i % len(TOPICS)]
        for answer_kind in ("right", "wrong"):
            session = Session()
            seconds, asked = timed(teacher, f"Pose-moi une question sur {topic}", session)
            if session.pending is None:
                print(f"  no check question on {topic}: {asked.answer[:80]!r}")
                continue
            waits["check question"].append(seconds)
            expected = session.pending.expected
            if answer_kind == "wrong":
                seconds, _ = timed(teacher, "Un indice ?", session)
                waits["hint"].append(seconds)
            seconds, graded = timed(teacher, expected if answer_kind == "right" else WRONG, session)
            waits[f"grading ({answer_kind} answer)"].append(seconds)
            verdicts.append((answer_kind, (graded.grade or {}).get("verdict")))
    print(f"local model, {args.rounds} topics, warm, one process")
    for name, values in waits.items():
        if values:
            print(f"  {name:24} n={len(values):2}  p50 {pct(values, 0.5):5.1f} s   p95 {pct(values, 0.95):5.1f} s")
    print(f"  verdicts: {verdicts}")
    print(f"  peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
