"""The `tutor` commands that demonstrate prompt engineering: prompt-lab and compare (same engine as the chat)."""

from __future__ import annotations

import json
from pathlib import Path

from tutor.cli import EXIT_BAD_INPUT, _err
from tutor.config import Settings


def _guarded(run, text: str, language: str):
    """(run(), 0), or (None, 2) after printing what the learner must know about bad input or a failed model."""
    from tutor.guard import QuestionError, error_message
    from tutor.results import TutorError

    try:
        return run(), 0
    except QuestionError as exc:
        _err(error_message(exc, language, n=len(text or "")))
    except TutorError as exc:
        _err(exc.message(language))
    return None, EXIT_BAD_INPUT


def cmd_prompt_lab(args, settings: Settings) -> int:
    """Score a prompt with the course's rubric, get the model's critique and an improved prompt, run both."""
    from tutor.engine import Tutor
    from tutor.language import detect_language
    from tutor.prompt_lab import PromptLab
    from tutor.ui_prompting import lab_report

    language = args.language if args.language != "auto" else detect_language(args.prompt or "")
    result, code = _guarded(lambda: list(PromptLab(Tutor(settings)).stream(
        args.prompt, language=language, kind=args.kind))[-1], args.prompt, language)
    if code:
        return code
    saved = {}
    if args.images_dir and result.images:
        Path(args.images_dir).mkdir(parents=True, exist_ok=True)
        for which, png in result.images.items():
            path = Path(args.images_dir) / f"prompt-lab-{which}.png"
            path.write_bytes(png)
            saved[which] = str(path)
    if args.json:
        print(json.dumps(result.as_dict() | {"image_files": saved}, ensure_ascii=False, indent=2))
        return 0
    print(lab_report(result, None))
    headings = {"original": ("Votre prompt", "Your prompt"), "improved": ("Prompt amélioré", "Improved prompt")}
    for which, answer in result.answers.items():
        print(f"\n--- {headings[which][language == 'en']} ---\n{answer}")
    for which, path in saved.items():
        print(f"\n{headings[which][language == 'en']}: {path}")
    return 0


def cmd_compare(args, settings: Settings) -> int:
    """Answer one question with two techniques and print both answers and what changed in the prompt."""
    from tutor.engine import Tutor
    from tutor.language import detect_language
    from tutor.results import AskOptions
    from tutor.techniques import changed_parts, compare
    from tutor.ui_prompting import part_label

    results, code = _guarded(lambda: compare(Tutor(settings), args.question, [args.technique_a, args.technique_b],
                                             options=AskOptions(language=args.language)),
                             args.question, detect_language(args.question or ""))
    if code:
        return code
    if args.json:
        print(json.dumps([r.as_dict() for r in results], ensure_ascii=False, indent=2))
        return 0
    for result in results:
        sources = ", ".join(f"[{c.n}] {c.section}" for c in result.citations)
        print(f"=== {result.technique} ({result.timings.total_ms / 1000:.1f} s)\n{result.answer}")
        print(f"Sources : {sources or '-'}\n{result.technique_note}\n")
    parts = [{p["name"]: p["text"] for p in r.prompt.get("parts", [])} for r in results]
    if all(parts):
        from tutor.prompts import PromptParts

        diff = changed_parts(PromptParts(**parts[0]), PromptParts(**parts[1]))
        names = ", ".join(part_label(p, results[0].language)[0] for p in diff) or "-"
        print(f"Parties du prompt qui diffèrent : {names}" if results[0].language != "en" else
              f"Prompt parts that differ: {names}")
    return 0
