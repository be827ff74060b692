"""`tutor ask`, `tutor compare` and `tutor prompt-lab`: the engine from the shell (same engine as the chat)."""

from __future__ import annotations

import json
from pathlib import Path

from tutor.cli.output import EXIT_BAD_INPUT, err, learner_error
from tutor.config import Settings
from tutor.errors import LearnerError
from tutor.i18n import Text

CHECKED = Text("Après les vérifications (sources, format) :", "After the checks (sources, format):")


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


def _with_provider(settings: Settings, provider: str | None) -> Settings:
    if not provider:
        return settings
    return settings.model_copy(update={"llm": settings.llm.model_copy(update={"provider": provider})})


def cmd_ask(args, settings: Settings) -> int:
    from tutor.engine.events import Stage, Token, collect
    from tutor.engine.result import AskOptions
    from tutor.engine.tutor import Tutor
    from tutor.i18n import detect_language
    from tutor.teaching.session import Session
    from tutor.teaching.turn import Teacher

    try:
        history = _load_history(args.history)
    except (OSError, ValueError) as exc:
        err(f"--history {args.history}: {exc}")
        return EXIT_BAD_INPUT
    settings = _with_provider(settings, args.provider)
    options = AskOptions(language=args.language, technique=args.technique)

    streamed = []

    def show(event) -> None:
        if isinstance(event, Token) and not args.json:
            streamed.append(event.text)
            print(event.text, end="", flush=True)
        elif isinstance(event, Stage) and event.name == "restart" and streamed and not args.json:
            streamed.clear()  # the engine answers again (tutor.engine.tutor): the next draft starts on its line
            print("\n…", flush=True)

    try:
        teacher = Teacher(Tutor(settings))
        result = collect(teacher.stream(args.question, Session(history=history), options), show)
    except LearnerError as exc:
        return learner_error(exc, detect_language(args.question or ""))
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return 0
    if result.refused or not streamed:
        print(result.answer, end="")
    elif result.answer.strip() != "".join(streamed).strip():  # what the checks made of the draft
        print(f"\n\n{CHECKED.get(result.language)}\n{result.answer}", end="")
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


def cmd_prompt_lab(args, settings: Settings) -> int:
    """Score a prompt with the course's rubric, get the model's critique and an improved prompt, run both."""
    from tutor.chat.prompting_views import lab_report
    from tutor.engine.events import collect
    from tutor.engine.tutor import Tutor
    from tutor.i18n import Text, detect_language
    from tutor.prompting.lab import PromptLab

    language = args.language if args.language != "auto" else detect_language(args.prompt or "")
    try:
        result = collect(PromptLab(Tutor(settings)).stream(args.prompt, language=language, kind=args.kind))
    except LearnerError as exc:
        return learner_error(exc, language)
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
    headings = {"original": Text("Votre prompt", "Your prompt"), "improved": Text("Prompt amélioré", "Improved prompt")}
    for which, answer in result.answers.items():
        print(f"\n--- {headings[which].get(language)} ---\n{answer}")
    for which, path in saved.items():
        print(f"\n{headings[which].get(language)}: {path}")
    return 0


def cmd_compare(args, settings: Settings) -> int:
    """Answer one question with two techniques and print both answers and what changed in the prompt."""
    from tutor.engine.result import AskOptions
    from tutor.engine.tutor import Tutor
    from tutor.i18n import Text, detect_language
    from tutor.prompting.compare import compare, differing_parts
    from tutor.prompting.prompts import part_label

    try:
        results = compare(Tutor(settings), args.question, [args.technique_a, args.technique_b],
                          options=AskOptions(language=args.language))
    except LearnerError as exc:
        return learner_error(exc, detect_language(args.question or ""))
    if args.json:
        print(json.dumps([r.as_dict() for r in results], ensure_ascii=False, indent=2))
        return 0
    for result in results:
        sources = ", ".join(f"[{c.n}] {c.section}" for c in result.citations)
        print(f"=== {result.technique} ({result.timings.total_ms / 1000:.1f} s)\n{result.answer}")
        print(f"Sources : {sources or '-'}\n{result.technique_note}\n")
    language = results[0].language
    names = ", ".join(part_label(p, language) for p in differing_parts(*results)) or "-"
    print(Text("Parties du prompt qui diffèrent : {names}", "Prompt parts that differ: {names}").get(language, names=names))
    return 0
