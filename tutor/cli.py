"""The `tutor` command: ingest, kb, prepare, settings (and ask, serve, eval as the engine grows).

Exit codes: 0 success, 1 a check failed (eval gate), 2 bad input (named file and reason).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tutor.config import Settings

EXIT_BAD_INPUT = 2


def _err(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)


def _progress_bar(enabled: bool):
    """A tqdm bar on a terminal, created on the first call so short runs print nothing."""
    if not enabled or not sys.stderr.isatty():
        return None, lambda: None
    state: dict = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            from tqdm import tqdm

            state["bar"] = tqdm(total=total, unit="chunk", desc="embedding", file=sys.stderr)
        bar = state["bar"]
        bar.update(done - bar.n)

    def close() -> None:
        if "bar" in state:
            state["bar"].close()

    return update, close


def cmd_ingest(args, settings: Settings) -> int:
    from tutor.index import IndexBusyError
    from tutor.ingest import ingest
    from tutor.knowledge import LessonError

    update, close = _progress_bar(not args.json)
    try:
        report = ingest(settings, [Path(p) for p in args.paths] or None, progress=update)
    except LessonError as exc:
        _err(f"{exc.path}: {exc.reason}. Nothing was indexed; the previous index keeps serving.")
        return EXIT_BAD_INPUT
    except IndexBusyError as exc:
        _err(str(exc))
        return EXIT_BAD_INPUT
    finally:
        close()
    if args.json:
        keys = ("lessons", "chunks", "added", "updated", "removed", "unchanged", "seconds", "embedded", "version")
        print(json.dumps({k: report.as_dict()[k] for k in keys}))
        return 0
    print(f"Indexed {report.lessons} lessons, {report.chunks} chunks in {report.seconds:.2f} s "
          f"(version {report.version}).")
    print(f"  chunks:  {report.added} added, {report.updated} updated, {report.removed} removed, "
          f"{report.unchanged} unchanged; {report.embedded} embedded")
    for label, ids in (("added", report.lessons_added), ("updated", report.lessons_updated),
                       ("removed", report.lessons_removed)):
        if ids:
            print(f"  lessons {label}: {', '.join(ids)}")
    return 0


def cmd_kb(args, settings: Settings) -> int:
    from tutor.index import IndexStore

    manifest = IndexStore(settings.index_dir).manifest()
    if manifest is None:
        _err(f"no index in {settings.index_dir}: run `tutor ingest` first")
        return EXIT_BAD_INPUT
    if args.lesson:
        chunks = [c for c in manifest["chunks"] if c["lesson_id"] == args.lesson]
        if not chunks:
            known = ", ".join(lesson["id"] for lesson in manifest["lessons"])
            _err(f"no lesson '{args.lesson}' in the index (lessons: {known})")
            return EXIT_BAD_INPUT
        if args.json:
            print(json.dumps(chunks, ensure_ascii=False, indent=2))
            return 0
        for c in chunks:
            print(f"--- {c['id']}  [{' > '.join(c['heading_path'])}]  {len(c['text'])} chars")
            print(c["text"])
        return 0
    if args.json:
        print(json.dumps({k: manifest[k] for k in ("version", "created_at", "embedding_model", "lessons")},
                         ensure_ascii=False, indent=2))
        return 0
    print(f"Index version {manifest['version']} ({manifest['embedding_model']}), built {manifest['created_at']}")
    print(f"{'lesson':40} {'chunks':>6}  indexed at                 title")
    for lesson in manifest["lessons"]:
        print(f"{lesson['id']:40} {lesson['chunks']:>6}  {lesson['indexed_at']:26} {lesson['title']}")
    print(f"{len(manifest['lessons'])} lessons, {len(manifest['chunks'])} chunks. "
          "`tutor kb LESSON_ID` shows one lesson's chunks.")
    return 0


def _load_history(path: str | None) -> list[dict]:
    if not path:
        return []
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, list) or not all(
        isinstance(t, dict) and t.get("role") in ("user", "assistant") and isinstance(t.get("content"), str)
        for t in data
    ):
        raise ValueError('history must be a JSON list of {"role": "user"|"assistant", "content": "..."}')
    return data


def cmd_ask(args, settings: Settings) -> int:
    from tutor.engine import Tutor
    from tutor.guard import QuestionError, error_message
    from tutor.language import detect_language
    from tutor.results import AskOptions, TutorError, TutorResult

    try:
        history = _load_history(args.history)
    except (OSError, ValueError) as exc:
        _err(f"--history {args.history}: {exc}")
        return EXIT_BAD_INPUT
    if args.provider:
        settings = settings.model_copy(update={"llm": settings.llm.model_copy(update={"provider": args.provider})})
    options = AskOptions(language=args.language, technique=args.technique)
    result = None
    try:
        tutor = Tutor(settings)
        for event in tutor.stream(args.question, history, options):
            if isinstance(event, str) and not args.json:
                print(event, end="", flush=True)
            elif isinstance(event, TutorResult):
                result = event
    except QuestionError as exc:
        _err(error_message(exc, detect_language(args.question or ""), n=len(args.question or "")))
        return EXIT_BAD_INPUT
    except TutorError as exc:
        _err(exc.message(detect_language(args.question or "")))
        return EXIT_BAD_INPUT
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return 0
    if result.refused or not result.timings.first_token_ms:
        print(result.answer, end="")
    print("\n")
    if result.citations:
        print("Sources :" if result.language == "fr" else "Sources:")
        for c in result.citations:
            print(f"  [{c.n}] {c.lesson_title} — {c.section}")
    t = result.timings
    first = f"{t.first_token_ms / 1000:.1f} s" if t.first_token_ms else "-"
    if result.technique_note and not result.refused:
        print(result.technique_note)
    print(f"({result.provider}/{result.model}; first token {first}, total {t.total_ms / 1000:.1f} s"
          f"{', declined: ' + result.refusal_reason if result.refused else ''})")
    return 0


def cmd_serve(args, settings: Settings) -> int:
    """Run the Chainlit chat (tutor/app.py) on the configured host and port."""
    import os

    from tutor.index import IndexStore

    if IndexStore(settings.index_dir).current_name() is None:
        _err(f"no index in {settings.index_dir}: run `tutor ingest` first")
        return EXIT_BAD_INPUT
    here = Path(__file__).resolve().parent
    from tutor.identity import auth_secret

    env = dict(os.environ, CHAINLIT_APP_ROOT=str(here / "ui"), CHAINLIT_AUTH_SECRET=auth_secret(settings.data_dir),
               TUTOR_DATA_DIR=str(settings.data_dir.resolve()), TUTOR_CACHE_DIR=str(settings.cache_dir.resolve()),
               TUTOR_KNOWLEDGE__DIR=str(settings.knowledge.dir.resolve()),
               TUTOR_SERVER__PORT=str(args.port or settings.server.port))
    host, port = args.host or settings.server.host, args.port or settings.server.port
    print(f"Serving the tutor on http://{'localhost' if host in ('127.0.0.1', '0.0.0.0') else host}:{port} "
          f"(LLM: {settings.llm.provider}). Ctrl+C to stop.", flush=True)
    command = [sys.executable, "-m", "chainlit", "run", str(here / "app.py"), "--headless",
               "--host", host, "--port", str(port)]
    os.execvpe(command[0], command, env)
    return 0  # not reached


def _lazy(module: str, name: str):
    """A command of another tutor.cli_* module, imported when it runs."""
    def run(args, settings: Settings) -> int:
        import importlib

        return getattr(importlib.import_module(f"tutor.{module}"), name)(args, settings)
    return run


def _admin(name: str):
    return _lazy("cli_admin", name)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tutor", description="A conversational tutor for a course.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="index the lessons incrementally (only what changed is embedded)")
    p.add_argument("paths", nargs="*", help="lesson files or folders (default: the knowledge folder); "
                   "together they are the whole knowledge base")
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("kb", help="show what is indexed: lessons, or one lesson's chunks")
    p.add_argument("lesson", nargs="?", help="a lesson id: show its chunks")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_kb)

    p = sub.add_parser("prepare", help="assemble and verify the offline model files")
    p.set_defaults(func=_admin("cmd_prepare"))

    p = sub.add_parser("ask", help="ask the tutor a question; streams the answer and lists its sources")
    p.add_argument("question")
    p.add_argument("--history", metavar="FILE", help='earlier turns: a JSON list of {"role", "content"}')
    p.add_argument("--json", action="store_true", help="print the structured result as one JSON object")
    p.add_argument("--language", choices=["auto", "fr", "en"], default="auto")
    p.add_argument("--technique", default="zero-shot", help="prompt technique: zero-shot, few-shot, chain-of-thought, role, "
                   "format-list, format-table, format-json")
    p.add_argument("--provider", choices=["local", "bedrock", "openai", "ollama", "fake"],
                   help="override TUTOR_LLM__PROVIDER")
    p.set_defaults(func=cmd_ask)

    from tutor.evaluation.runner import EVALS_DIR

    p = sub.add_parser("eval", help="run the golden set through the engine; exit 1 when a threshold is missed")
    p.add_argument("--dataset", default=str(EVALS_DIR / "golden.jsonl"))
    p.add_argument("--provider", choices=["local", "bedrock", "openai", "ollama", "fake"])
    p.add_argument("--json", metavar="FILE", help="write every case and metric as JSON")
    p.add_argument("--html", metavar="FILE", help="write a one-page HTML report")
    p.add_argument("--thresholds", default=str(EVALS_DIR / "thresholds.json"))
    p.add_argument("--baseline", default=str(EVALS_DIR / "baseline.json"))
    p.add_argument("--update-baseline", action="store_true", help="store this run as the baseline if it passes")
    p.add_argument("--technique", default="zero-shot", help="answer with this prompt technique (compare techniques "
                   "on the golden set; the gate and the baseline are for zero-shot)")
    p.add_argument("--judge", action="store_true", help="add LLM-judged faithfulness and helpfulness (optional)")
    p.add_argument("--judge-provider", choices=["bedrock", "openai", "ollama", "fake"],
                   help="provider of the judge (default: TUTOR_LLM__PROVIDER), with its TUTOR_LLM__* settings")
    p.set_defaults(func=_admin("cmd_eval"))

    p = sub.add_parser("prompt-lab", help="score a prompt of yours, get an improved one, run both and compare")
    p.add_argument("prompt")
    p.add_argument("--kind", choices=["auto", "text", "image"], default="auto",
                   help="text or image prompt (auto: decided from the prompt)")
    p.add_argument("--language", choices=["auto", "fr", "en"], default="auto")
    p.add_argument("--json", action="store_true", help="print the whole round as one JSON object")
    p.add_argument("--images-dir", metavar="DIR", help="where to save the images of an image prompt (Bedrock)")
    p.set_defaults(func=_lazy("cli_prompting", "cmd_prompt_lab"))

    p = sub.add_parser("compare", help="answer one question with two prompt techniques, side by side")
    p.add_argument("technique_a")
    p.add_argument("technique_b")
    p.add_argument("question")
    p.add_argument("--language", choices=["auto", "fr", "en"], default="auto")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_lazy("cli_prompting", "cmd_compare"))

    p = sub.add_parser("serve", help="serve the chat in the browser (Chainlit)")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("feedback", help="export learners' feedback with the question, answer and sources")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_admin("cmd_feedback"))

    p = sub.add_parser("users", help="accounts for password login (TUTOR_AUTH__MODE=password)")
    p.add_argument("action", choices=["add", "list"])
    p.add_argument("name", nargs="?")
    p.add_argument("--role", choices=["learner", "instructor"], default="learner")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(func=_admin("cmd_users"))

    p = sub.add_parser("settings", help="list every setting, its default and what it does")
    p.set_defaults(func=_admin("cmd_settings"))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args, Settings())


if __name__ == "__main__":
    sys.exit(main())
