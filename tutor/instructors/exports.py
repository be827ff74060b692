"""The instructors' figures as files: JSON (everything) and CSV (one row per group, lesson or feedback),
the same figures as the pages."""

from __future__ import annotations

import csv
import io
import json

GAP_COLUMNS = ("group", "status", "count", "learners", "action", "closest_lesson", "closest_section", "similarity",
               "label", "examples")
LESSON_COLUMNS = ("lesson_id", "title", "questions", "declines", "thumbs_up", "thumbs_down", "quiz_answers",
                  "quiz_correct", "quiz_partial", "quiz_incorrect", "quiz_success", "learners", "mastery_mean")
FEEDBACK_COLUMNS = ("at", "helpful", "comment", "question", "answer", "sources", "refused", "learner")


def to_json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def _csv(rows: list[dict], columns) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: " | ".join(map(str, v)) if isinstance(v, list) else v for k, v in row.items()})
    return out.getvalue()


def gaps_csv(report: dict) -> str:
    rows = [dict(g, status="open") for g in report["groups"]] + [dict(g, status="handled") for g in report["handled"]]
    return _csv(rows, GAP_COLUMNS)


def report_csv(report: dict) -> str:
    from tutor.instructors.reports import BINS

    return _csv(report["lessons"], LESSON_COLUMNS + BINS)


def feedback_csv(rows: list[dict]) -> str:
    return _csv(rows, FEEDBACK_COLUMNS)
