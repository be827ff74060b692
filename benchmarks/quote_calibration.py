"""The last check before a decline (tutor/engine/quoting.py): its threshold on dev and how it holds on test.

Run: .venv/bin/tutor eval --split all --json artifacts/eval-all.json
     .venv/bin/python benchmarks/quote_calibration.py artifacts/eval-all.json

When nothing the model wrote held (or it declined), the engine reads the model's probability that the course's
closest sentences answer the question, and quotes them at or above `MIN_READING`. Every case that reached
that check carries its reading in the eval JSON. For each threshold the table gives, among those cases, how
many in-course questions would be answered (quoted) and how many near-course ones would still be declined,
on dev and on test. The threshold is chosen on dev: the lowest that declines every off-course case there,
with a margin; English questions (read against the French course) have their own columns and threshold.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tutor.engine.quoting import CROSSING_MIN_READING, MIN_READING  # noqa: E402

THRESHOLDS = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6)


def readings(run: dict, english: bool = False) -> tuple[list[float], list[float]]:
    """(in-course readings, off-course readings) of the cases that reached the check: French questions, or
    with `english` the English ones (read against the French course: their own threshold)."""
    cases = [c for c in run["cases"] if c.get("quote_reading") is not None and (c.get("language") == "en") == english]
    return ([c["quote_reading"] for c in cases if c["expect"] == "answer"],
            [c["quote_reading"] for c in cases if c["expect"] == "refuse"])


def main(path: str) -> None:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    splits = data["splits"] if "splits" in data else {"run": data}
    seen = {name: readings(run) for name, run in splits.items()}
    seen |= {f"{name} en": readings(run, english=True) for name, run in splits.items()}
    for name, (inside, outside) in seen.items():
        print(f"{name}: {len(inside)} in-course and {len(outside)} off-course cases reached the check; readings "
              f"in-course {sorted(round(r, 2) for r in inside)}, off-course {sorted(round(r, 2) for r in outside)}")
    print(f"\n{'threshold':>9} " + " ".join(f"{name + ' answered':>16} {name + ' declined':>16}" for name in seen))
    for t in sorted(set(THRESHOLDS) | {MIN_READING, CROSSING_MIN_READING}):
        cells = []
        for inside, outside in seen.values():
            answered, declined = sum(r >= t for r in inside), sum(r < t for r in outside)
            cells.append(f"{answered:>10}/{len(inside):<5} {declined:>10}/{len(outside):<5}")
        mark = "  <- MIN_READING" if t == MIN_READING else "  <- CROSSING_MIN_READING (en)" \
            if t == CROSSING_MIN_READING else ""
        print(f"{t:>9.2f} " + " ".join(cells) + mark)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
