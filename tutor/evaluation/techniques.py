"""The techniques suite: every prompt technique on the same in-course questions. Each technique must keep
its promise (tutor/prompting/promises.py), stay as correct as zero-shot, and never decline a question
zero-shot answers."""

from __future__ import annotations

from tutor.evaluation.metrics import score_case
from tutor.evaluation.runner import run_case
from tutor.evaluation.suites import SuiteRun


def techniques(teacher, cases: list, max_gap: float = 0.05, min_compliance: float = 0.95) -> SuiteRun:
    """`cases`: answers-suite cases (tutor.evaluation.dataset.Case); only in-course ones without history."""
    cases = [c for c in cases if c.expect == "answer" and not c.history]
    names = list(teacher.tutor.techniques)
    rows, by_technique = [], {}
    for name in names:
        scored = []
        for case in cases:
            row = score_case(case, run_case(teacher, case, name)) | {"technique": name}
            scored.append(row)
        rows += scored
        answered = [r for r in scored if not r["refused"]]
        correct = [r["fully_correct"] for r in scored if r["fully_correct"] is not None]
        kept = [r["technique_compliance"] for r in answered if r["technique_compliance"] is not None]
        by_model = [r["technique_kept_by_model"] for r in answered if r["technique_kept_by_model"] is not None]
        by_technique[name] = {
            "fully_correct": round(sum(correct) / len(correct), 4) if correct else None,
            "compliance": round(sum(kept) / len(kept), 4) if kept else None,
            "kept_by_model": round(sum(by_model) / len(by_model), 4) if by_model else None,
            "declined": sum(r["refused"] for r in scored)}
    base = {r["id"]: r for r in rows if r["technique"] == "zero-shot"}
    for name in names:
        induced = [r["id"] for r in rows if r["technique"] == name and r["refused"] and not base[r["id"]]["refused"]]
        by_technique[name]["induced_declines"] = len(induced)
    run = SuiteRun({"cases": len(cases), "techniques": len(names)}, rows, details={"by_technique": by_technique})
    zero = by_technique["zero-shot"]["fully_correct"] or 0.0
    for name, figures in by_technique.items():
        if figures["compliance"] is not None and figures["compliance"] < min_compliance:
            run.failures.append(f"{name}: compliance {figures['compliance']} is below {min_compliance}")
        if figures["fully_correct"] is not None and figures["fully_correct"] < zero - max_gap:
            run.failures.append(f"{name}: fully correct {figures['fully_correct']} is more than {max_gap} below "
                                f"zero-shot's {zero}")
        if figures["induced_declines"]:
            run.failures.append(f"{name}: {figures['induced_declines']} in-course answers declined (zero-shot answered)")
    return run


def table(run: SuiteRun) -> str:
    lines = [f"{'technique':18} {'correct':>8} {'kept':>6} {'by model':>9} {'declined':>9} {'induced':>8}"]
    for name, f in run.details["by_technique"].items():
        lines.append(f"{name:18} {f['fully_correct']!s:>8} {f['compliance']!s:>6} {f['kept_by_model']!s:>9} "
                     f"{f['declined']:>9} {f['induced_declines']:>8}")
    return "\n".join(lines)
