"""The `tutor` command: the parser and `main`. Each command lives in a module by audience, imported
only when it runs: `course` (ingest, kb), `answer` (ask, compare, prompt-lab), `teaching` (quiz, grade),
`admin` (serve, prepare, users, settings), `evaluate` (eval), `instructors` (feedback, gaps, report), `db` (db
upgrade, db current).

Exit codes: 0 success, 1 a quality gate missed (`eval`), 2 bad input (the message names the file and reason).
"""

from __future__ import annotations

import argparse
import importlib

from tutor.config import Settings
from tutor.paths import EVALS_DIR


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tutor", description="A conversational tutor for a course.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="index the lessons incrementally (only what changed is embedded)")
    p.add_argument("paths", nargs="*", help="lesson files or folders (default: the knowledge folder); "
                   "together they are the whole knowledge base")
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    p.set_defaults(func="course:cmd_ingest")

    p = sub.add_parser("kb", help="show what is indexed: lessons, or one lesson's chunks")
    p.add_argument("lesson", nargs="?", help="a lesson id: show its chunks")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func="course:cmd_kb")

    p = sub.add_parser("prepare", help="assemble and verify the offline model files")
    p.set_defaults(func="admin:cmd_prepare")

    p = sub.add_parser("ask", help="ask the tutor a question; streams the answer and lists its sources")
    p.add_argument("question")
    p.add_argument("--history", metavar="FILE", help='earlier turns: a JSON list of {"role", "content"}')
    p.add_argument("--json", action="store_true", help="print the structured result as one JSON object")
    p.add_argument("--language", choices=["auto", "fr", "en"], default="auto")
    p.add_argument("--technique", default="zero-shot", help="prompt technique: zero-shot, few-shot, chain-of-thought, role, "
                   "format-list, format-table, format-json")
    p.add_argument("--provider", choices=["local", "bedrock", "openai", "ollama", "fake"],
                   help="override TUTOR_LLM__PROVIDER")
    p.set_defaults(func="answer:cmd_ask")

    p = sub.add_parser("eval", help="run an eval suite, dev and test splits side by side; exit 1 when the test "
                       "split misses a threshold")
    p.add_argument("--suite", choices=["answers", "entailment", "tutoring", "techniques"], default="answers",
                   help="what to evaluate: answers (the default), entailment (the support check), tutoring "
                   "(acts, grading, quizzes, guided mode, greetings, dialogues), techniques (every prompt "
                   "technique on the same questions); see evals/README.md")
    p.add_argument("--limit", type=int, default=0, help="techniques suite: at most this many questions per split")
    p.add_argument("--split", choices=["dev", "test", "all"], default="all",
                   help="dev (tune on it), test (the gate; never tuned on) or both side by side")
    p.add_argument("--dataset", help="evaluate this JSONL file instead of the suite's splits (gated)")
    p.add_argument("--provider", choices=["local", "bedrock", "openai", "ollama", "fake"])
    p.add_argument("--json", metavar="FILE", help="write every case and metric as JSON")
    p.add_argument("--html", metavar="FILE", help="write a one-page HTML report")
    p.add_argument("--thresholds", default=str(EVALS_DIR / "thresholds.json"))
    p.add_argument("--baseline", default=str(EVALS_DIR / "baseline.json"))
    p.add_argument("--update-baseline", action="store_true", help="store this run as the baseline if it passes")
    p.add_argument("--technique", default="zero-shot", help="answer with this prompt technique (the baseline is "
                   "zero-shot's)")
    p.add_argument("--judge", action="store_true", help="add LLM-judged faithfulness and helpfulness (optional)")
    p.add_argument("--judge-provider", choices=["bedrock", "openai", "ollama", "fake"],
                   help="provider of the judge (default: TUTOR_LLM__PROVIDER), with its TUTOR_LLM__* settings")
    p.set_defaults(func="evaluate:cmd_eval")

    p = sub.add_parser("prompt-lab", help="score a prompt of yours, get an improved one, run both and compare")
    p.add_argument("prompt")
    p.add_argument("--kind", choices=["auto", "text", "image"], default="auto",
                   help="text or image prompt (auto: decided from the prompt)")
    p.add_argument("--language", choices=["auto", "fr", "en"], default="auto")
    p.add_argument("--json", action="store_true", help="print the whole round as one JSON object")
    p.add_argument("--images-dir", metavar="DIR", help="where to save the images of an image prompt (Bedrock)")
    p.set_defaults(func="answer:cmd_prompt_lab")

    p = sub.add_parser("compare", help="answer one question with two prompt techniques, side by side")
    p.add_argument("technique_a")
    p.add_argument("technique_b")
    p.add_argument("question")
    p.add_argument("--language", choices=["auto", "fr", "en"], default="auto")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func="answer:cmd_compare")

    p = sub.add_parser("quiz", help="validated quiz items for a lesson (or the whole course), answers marked")
    p.add_argument("lesson", nargs="?", help="a lesson id (default: the whole course)")
    p.add_argument("--n", type=int, default=3, help="how many items")
    p.add_argument("--language", choices=["fr", "en"], default="fr")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func="teaching:cmd_quiz")

    p = sub.add_parser("grade", help="grade an answer against the expected one: correct, partial or incorrect")
    p.add_argument("--question", default="")
    p.add_argument("--expected", required=True)
    p.add_argument("--answer", required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func="teaching:cmd_grade")

    p = sub.add_parser("serve", help="serve the chat in the browser (Chainlit)")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.set_defaults(func="admin:cmd_serve")

    p = sub.add_parser("db", help="create or migrate the database schema (history, feedback, progress)")
    p.add_argument("action", choices=["upgrade", "current"], help="upgrade: to the newest schema; current: show "
                   "the database's revision")
    p.set_defaults(func="db:cmd_db")

    p = sub.add_parser("feedback", help="export learners' feedback with the question, answer and sources")
    _export_options(p, "only the feedback on this course's answers (default: every course)")
    p.set_defaults(func="instructors:cmd_feedback")

    p = sub.add_parser("gaps", help="what the course could not answer: declined questions grouped by meaning, "
                       "thumbs-down, answers repaired by the checks")
    _export_options(p)
    p.set_defaults(func="instructors:cmd_gaps")

    p = sub.add_parser("report", help="learners' progress per lesson (anonymised): questions, declines, feedback, "
                       "quiz success, mastery")
    _export_options(p)
    p.set_defaults(func="instructors:cmd_report")

    p = sub.add_parser("users", help="accounts for password login (TUTOR_AUTH__MODE=password)")
    p.add_argument("action", choices=["add", "list"])
    p.add_argument("name", nargs="?")
    p.add_argument("--role", choices=["learner", "instructor"], default="learner")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(func="admin:cmd_users")

    p = sub.add_parser("settings", help="list every setting, its default and what it does")
    p.set_defaults(func="admin:cmd_settings")
    return parser


def _export_options(p: argparse.ArgumentParser, course_help: str = "a course id (default: the first course)"):
    p.add_argument("--course", help=course_help)
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print everything as JSON")
    out.add_argument("--csv", action="store_true", help="print one row per item as CSV")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    module, name = args.func.split(":")
    command = getattr(importlib.import_module(f"tutor.cli.{module}"), name)
    return command(args, Settings())

