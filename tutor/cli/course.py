"""`tutor ingest` and `tutor kb`: the course's lessons into the index, and what the index holds."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tutor.cli.output import EXIT_BAD_INPUT, err, learner_error, progress_bar
from tutor.config import Settings


def cmd_ingest(args, settings: Settings) -> int:
    from tutor.course.ingest import ingest
    from tutor.course.lessons import LessonError
    from tutor.course.store import IndexBusyError, IndexWriteError

    update, close = progress_bar(not args.json)
    try:
        report = ingest(settings, [Path(p) for p in args.paths] or None, progress=update)
    except LessonError as exc:
        err(f"{exc.path}: {exc.reason}. Nothing was indexed; the previous index keeps serving.")
        return EXIT_BAD_INPUT
    except IndexBusyError as exc:
        err(str(exc))
        return EXIT_BAD_INPUT
    except IndexWriteError as exc:
        return learner_error(exc)
    finally:
        close()
    warn_cleaned(report.cleaned)
    if args.json:
        keys = ("lessons", "chunks", "added", "updated", "removed", "unchanged", "seconds", "embedded", "version",
                "cleaned")
        print(json.dumps({k: report.as_dict()[k] for k in keys}, ensure_ascii=False))
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


def warn_cleaned(cleaned: list[dict]) -> None:
    """Tell the instructor which lesson held template tokens or hidden characters (removed before indexing)."""
    by_lesson: dict[tuple[str, str], list[str]] = {}
    for item in cleaned:
        by_lesson.setdefault((item["lesson"], item["file"]), []).append(f"{item['where']}: {', '.join(item['removed'])}")
    for (lesson, file), places in by_lesson.items():
        print(f"warning: {file} (lesson '{lesson}') held text that could steer the model or hide from readers; it "
              "was removed before indexing. Fix the file: " + "; ".join(places), file=sys.stderr)


def cmd_kb(args, settings: Settings) -> int:
    from tutor.course.index import IndexStore

    manifest = IndexStore(settings.index_dir).manifest()
    if manifest is None:
        err(f"no index in {settings.index_dir}: run `tutor ingest` first")
        return EXIT_BAD_INPUT
    if args.lesson:
        chunks = [c for c in manifest["chunks"] if c["lesson_id"] == args.lesson]
        if not chunks:
            known = ", ".join(lesson["id"] for lesson in manifest["lessons"])
            err(f"no lesson '{args.lesson}' in the index (lessons: {known})")
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
