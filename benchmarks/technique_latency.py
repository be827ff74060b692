"""What each prompt technique costs with the default local model: prompt size in tokens, time to first
token, end-to-end time, answers that kept at least one citation; then the prompt lab's round time.

Run: .venv/bin/python benchmarks/technique_latency.py [--questions 4]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tutor.config import Settings  # noqa: E402
from tutor.course.ingest import ingest  # noqa: E402
from tutor.engine.events import collect  # noqa: E402
from tutor.engine.result import AskOptions  # noqa: E402
from tutor.engine.tutor import Tutor  # noqa: E402
from tutor.prompting.lab import PromptLab  # noqa: E402

LAB_PROMPTS = ["Parle-moi des modèles de base", "Explique les LLM à un débutant en 3 phrases.",
               "Génère une image d'un chat"]


def med(xs) -> str:
    return f"{statistics.median(xs):.1f}" if xs else "-"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=4)
    args = parser.parse_args()
    cases = [json.loads(line) for line in open(ROOT / "evals" / "answers-dev.jsonl", encoding="utf-8")]
    in_course = [c["question"] for c in cases if c["expect"] == "answer" and not c.get("history") and c["lang"] == "fr"]
    sample = in_course[:: max(1, len(in_course) // args.questions)][: args.questions]

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, data_dir=Path(tmp) / "data", knowledge={"dir": ROOT / "knowledge"})
        ingest(settings)
        tutor = Tutor(settings)
        tutor.warm_up()
        model = tutor.llm.model
        print(f"{len(sample)} questions; model {settings.llm.local_model}")
        print(f"{'technique':18} {'prompt tok':>10} {'1st token p50':>14} {'total p50':>10} {'cited':>6} {'declined':>8}")
        for name in tutor.techniques:
            tokens, firsts, totals, cited, declined = [], [], [], 0, 0
            for question in sample:
                result = tutor.ask(question, options=AskOptions(technique=name))
                if result.refused:
                    declined += 1
                    continue
                messages = result.prompt["messages"]
                tokens.append(sum(model.count_tokens(m["content"]) for m in messages))
                firsts.append(result.timings.first_token_ms / 1000)
                totals.append(result.timings.total_ms / 1000)
                cited += bool(result.citations)
            print(f"{name:18} {med(tokens):>10} {med(firsts) + ' s':>14} {med(totals) + ' s':>10} "
                  f"{cited:>3}/{len(sample) - declined:<2} {declined:>8}")

        lab = PromptLab(tutor)
        for text in LAB_PROMPTS:
            started = time.perf_counter()
            result = collect(lab.stream(text))
            print(f"prompt lab \"{text}\": {time.perf_counter() - started:.1f} s; rubric {result.rubric.score}/"
                  f"{result.rubric.total} -> {result.improved_rubric.score}/{result.improved_rubric.total} "
                  f"(improved by the {result.improved_by})")


if __name__ == "__main__":
    main()
