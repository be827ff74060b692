"""`tutor gaps`, `tutor report` and `tutor feedback`: what the instructors' pages show, as text, JSON or CSV
(the same figures: both read them through `tutor.instructors.data`)."""

from __future__ import annotations

import asyncio
import sys

from tutor.cli.output import EXIT_BAD_INPUT, err
from tutor.config import Settings


def _course(args, settings: Settings) -> Settings | None:
    try:
        return settings.for_course(args.course or settings.course_id)
    except KeyError as exc:
        err(str(exc.args[0]))
        return None


def _figures(course_settings: Settings, what: str):
    from tutor.engine.tutor import Tutor
    from tutor.instructors.data import build_gaps, build_report, course_data, lessons_of, open_layer

    engine = Tutor(course_settings)  # its index, embeddings and decline thresholds (the model is not loaded)

    async def collect():
        async with open_layer(course_settings) as layer:
            return await course_data(layer, course_settings, lessons_of(engine))

    data = asyncio.run(collect())
    return {"gaps": lambda: build_gaps(engine, data), "report": lambda: build_report(data),
            "feedback": lambda: data["feedback"]}[what]()


def _emit(args, content, to_csv) -> None:
    from tutor.instructors import exports

    if args.json:
        print(exports.to_json(content))
    else:
        sys.stdout.write(to_csv(content))


def cmd_gaps(args, settings: Settings) -> int:
    from tutor.instructors import exports

    course = _course(args, settings)
    if course is None:
        return EXIT_BAD_INPUT
    report = _figures(course, "gaps")
    if args.json or args.csv:
        _emit(args, report, exports.gaps_csv)
        return 0
    labels = {"add": "add a section", "rewrite": "rewrite a section", "ignore": "ignore (off-topic)"}
    print(f"{report['declined']} declined of {report['turns']} turns; {len(report['groups'])} open groups, "
          f"{len(report['handled'])} handled.")
    for g in report["groups"]:
        where = f"{g['closest_title'] or '-'}" + (f" > {g['closest_section']}" if g["closest_section"] else "")
        print(f"\n[{g['count']}] {g['label']}\n    {labels[g['action']]}; closest: {where}")
        for example in g["examples"][1:4]:
            print(f"    - {example}")
    print(f"\n{len(report['unhelpful'])} answers marked unhelpful; {len(report['repaired'])} repaired or dropped "
          "by the checks. `--json` or `--csv` for everything.")
    return 0


def cmd_report(args, settings: Settings) -> int:
    from tutor.instructors import exports

    course = _course(args, settings)
    if course is None:
        return EXIT_BAD_INPUT
    report = _figures(course, "report")
    if args.json or args.csv:
        _emit(args, report, exports.report_csv)
        return 0
    if not report["lessons"]:
        print(f"No lesson indexed yet in course '{course.course_id}': run `tutor ingest`.")
    print(f"{'lesson':32} {'questions':>9} {'declines':>8} {'up':>4} {'down':>4} {'graded':>6} {'success':>7} "
          f"{'learners':>8} {'mastery':>7}")
    for r in report["lessons"]:
        success = f"{100 * r['quiz_success']:.0f}%" if r["quiz_success"] is not None else "-"
        mastery = f"{r['mastery_mean']:.2f}" if r["mastery_mean"] is not None else "-"
        print(f"{r['lesson_id'][:32]:32} {r['questions']:>9} {r['declines']:>8} {r['thumbs_up']:>4} "
              f"{r['thumbs_down']:>4} {r['quiz_answers']:>6} {success:>7} {r['learners']:>8} {mastery:>7}")
    print(f"{len(report['learners'])} learners (anonymised).")
    return 0


def cmd_feedback(args, settings: Settings) -> int:
    """Learners' thumbs up/down with their comment, question, answer and sources (all courses by default)."""
    from tutor.instructors import exports
    from tutor.instructors.data import open_layer

    if args.course:
        course = _course(args, settings)
        if course is None:
            return EXIT_BAD_INPUT
        rows = _figures(course, "feedback")
    else:
        from tutor.chat.database import read_feedback

        async def collect() -> list[dict]:
            async with open_layer(settings) as layer:
                return await read_feedback(layer.engine)  # none before the first chat

        rows = asyncio.run(collect())
    if args.json or args.csv:
        _emit(args, rows, exports.feedback_csv)
        return 0
    if not rows:
        print("No feedback yet.")
    for row in rows:
        mark = "+" if row["helpful"] else "-"
        print(f"[{mark}] {row['at']}  {row['question']!r}\n    answer: {(row['answer'] or '')[:200]!r}"
              f"\n    sources: {', '.join(row['sources']) or '-'}"
              + (f"\n    comment: {row['comment']}" if row["comment"] else ""))
    return 0
