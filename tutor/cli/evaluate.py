"""`tutor eval`: run an eval suite through the engine, dev and test splits side by side, gate on test.

Every dataset used to tune (thresholds, rules, prompts) is a dev set; the gate and the reported figures are
the test split's, written before the engine changed and never tuned on (evals/README.md).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tutor.cli.output import EXIT_BAD_INPUT, err, learner_error
from tutor.config import Settings
from tutor.paths import EVALS_DIR

SPLITS = ("dev", "test")


def datasets(args) -> dict[str, Path]:
    """{split name: dataset path}: the given file, or the suite's dev and/or test split."""
    if args.dataset:
        return {Path(args.dataset).stem: Path(args.dataset)}
    wanted = SPLITS if args.split == "all" else (args.split,)
    return {split: EVALS_DIR / f"{args.suite}-{split}.jsonl" for split in wanted}


def suite_thresholds(path: Path, suite: str) -> dict:
    """The suite's minimums from a thresholds file ({"answers": {...}, ...}, or one flat table)."""
    from tutor.evaluation.runner import load_json

    data = load_json(path) or {}
    return data.get(suite, {}) if any(isinstance(v, dict) for v in data.values()) else data


AT_MOST = ("in_course_routed_away", "wrong_graded_correct", "quiz_items_invalid", "quiz_duplicates",
           "guided_leaks", "social_declined")


def run_suite(args, teacher, thresholds: dict) -> int:
    """`--suite entailment` or `--suite tutoring`: figures per split side by side, gate on test."""
    from tutor.evaluation.suites import entailment, read_jsonl
    from tutor.evaluation.tutoring import tutoring

    wanted = SPLITS if args.split == "all" else (args.split,)
    gated = "test" if "test" in wanted else wanted[0]
    runs = {}
    for split in wanted:
        if args.suite == "techniques":
            from tutor.evaluation.dataset import load_dataset
            from tutor.evaluation.techniques import table, techniques

            cases = load_dataset(EVALS_DIR / f"answers-{split}.jsonl")
            in_course = [c for c in cases if c.expect == "answer" and not c.history]
            step = max(1, len(in_course) // args.limit) if args.limit else 1
            run = techniques(teacher, in_course[::step][: args.limit or None],
                             thresholds.get("max_correctness_gap", 0.05), thresholds.get("technique_compliance", 0.95))
            print(f"{split}:\n{table(run)}\n")
            runs[split] = run
            continue
        if args.suite == "entailment":
            run = entailment(teacher.judge, read_jsonl(EVALS_DIR / f"entailment-{split}.jsonl"),
                             teacher.tutor.related)
        else:
            run = tutoring(teacher, read_jsonl(EVALS_DIR / f"acts-{split}.jsonl"),
                           read_jsonl(EVALS_DIR / f"grading-{split}.jsonl"),
                           read_jsonl(EVALS_DIR / f"answers-{split}.jsonl"),
                           read_jsonl(EVALS_DIR / f"tutoring-{split}.jsonl"))
        runs[split] = run.gate(thresholds, AT_MOST) if split == gated else run
    keys = list(dict.fromkeys(k for run in runs.values() for k in run.metrics))
    print(f"{args.suite}: gate on {gated}\n")
    print(f"{'metric':28} " + " ".join(f"{name:>9}" for name in runs) + f" {'threshold':>10}")
    for key in keys:
        values = " ".join(f"{runs[name].metrics.get(key, '-')!s:>9}" for name in runs)
        print(f"{key:28} {values} {thresholds.get(key, '-')!s:>10}")
    for name, run in runs.items():
        if run.details:
            print(f"\n{name}: {json.dumps(run.details, ensure_ascii=False)}")
    failures = runs[gated].failures
    print("\nGate: PASSED" if not failures else "\nGate: FAILED\n  " + "\n  ".join(failures))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({"gated": gated, "splits": {n: r.as_dict() for n, r in runs.items()}},
                                              ensure_ascii=False, indent=2), encoding="utf-8")
    return 1 if failures else 0


def cmd_eval(args, settings: Settings) -> int:
    from tutor.engine.tutor import Tutor
    from tutor.errors import LearnerError
    from tutor.evaluation.dataset import DatasetError, load_dataset
    from tutor.evaluation.report import html_report, text_report
    from tutor.evaluation.runner import evaluate, load_json
    from tutor.prompting.techniques import resolve
    from tutor.teaching.turn import Teacher

    try:
        cases = {name: load_dataset(path) for name, path in datasets(args).items()} if args.suite == "answers" \
            else {}
    except DatasetError as exc:
        err(str(exc))
        return EXIT_BAD_INPUT
    if args.provider:
        settings = settings.model_copy(update={"llm": settings.llm.model_copy(update={"provider": args.provider})})
    thresholds = suite_thresholds(Path(args.thresholds), args.suite)
    baseline = (load_json(Path(args.baseline)) or {}) if args.baseline else {}
    gated = "test" if "test" in cases else next(iter(cases), "test")
    try:
        tutor = Tutor(settings)
        technique = resolve(tutor.techniques, args.technique).technique
        if args.update_baseline and technique != "zero-shot":
            err("--update-baseline: the baseline is the default prompt's (zero-shot); compare techniques with --json")
            return EXIT_BAD_INPUT
        tutor.warm_up()
        teacher = Teacher(tutor)
        teacher.acts()
    except LearnerError as exc:
        return learner_error(exc, "en")
    if args.suite != "answers":
        return run_suite(args, teacher, thresholds)

    judge = None
    if args.judge:
        from tutor.evaluation.judge import Judge, JudgeConfigError

        try:
            judge = Judge(settings, args.judge_provider or settings.llm.provider)
        except (JudgeConfigError, LearnerError) as exc:
            err(f"--judge: {exc}")
            return EXIT_BAD_INPUT
    runs = {}
    for name, split_cases in cases.items():
        def progress(i: int, n: int, row: dict, name=name) -> None:
            mark = "ok  " if row["passed"] else "FAIL"
            print(f"[{name} {i:>3}/{n}] {mark} {row['id']:<10} {(row['total_ms'] or 0) / 1000:5.1f} s", file=sys.stderr)

        runs[name] = evaluate(teacher, split_cases, thresholds if name == gated else {},
                              baseline.get("splits", {}).get(name, baseline if name == gated else None),
                              progress=progress, judge=judge, technique=technique)
    print(text_report(runs, gated))
    single = len(runs) == 1
    as_json = (lambda: runs[gated].as_dict()) if single else \
        (lambda: {"gated": gated, "splits": {name: run.as_dict() for name, run in runs.items()}})
    for target, content in ((args.json, lambda: json.dumps(as_json(), ensure_ascii=False, indent=2)),
                            (args.html, lambda: html_report(runs, gated))):
        if target:
            Path(target).parent.mkdir(parents=True, exist_ok=True)
            Path(target).write_text(content(), encoding="utf-8")
    failures = runs[gated].failures
    if args.update_baseline and not failures:
        stored = {"splits": {name: {"meta": run.meta, "summary": run.summary} for name, run in runs.items()}}
        Path(args.baseline).write_text(json.dumps(stored, indent=2) + "\n")
    return 1 if failures else 0
