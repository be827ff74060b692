"""The `tutor` command: ingest, kb, prepare, settings (and ask, serve, eval as the engine grows).

Exit codes: 0 success, 1 a check failed (eval gate), 2 bad input (named file and reason).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tutor.config import Settings, describe_settings

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


def cmd_prepare(args, settings: Settings) -> int:
    """Assemble and verify the embedded model, and load the embedding model once."""
    from tutor.providers import make_embeddings

    make_embeddings(settings).embed_query("test")
    if settings.llm.provider == "local":
        from tutor.models import ModelAssetError, ensure_local_model

        try:
            path = ensure_local_model(settings.llm.local_model, settings.cache_dir)
        except ModelAssetError as exc:
            _err(str(exc))
            return EXIT_BAD_INPUT
        print(f"Local model ready: {path}")
    print(f"Embedding model ready: {settings.embeddings.provider}")
    return 0


def cmd_settings(args, settings: Settings) -> int:
    for env, default, description in describe_settings():
        print(f"{env:38} {default!s:22} {description}")
    return 0


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
    p.set_defaults(func=cmd_prepare)

    p = sub.add_parser("settings", help="list every setting, its default and what it does")
    p.set_defaults(func=cmd_settings)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args, Settings())


if __name__ == "__main__":
    sys.exit(main())
