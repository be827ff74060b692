"""Chainlit handlers for prompt engineering: technique choice (settings panel, `/technique`), "Anatomie du
prompt", `/compare` and the prompt lab (`/prompt`). Like app.py, they only turn chat events into calls of
the engine (tutor.techniques, tutor.prompt_lab) and render the results (tutor.ui_prompting).
"""

from __future__ import annotations

import logging
from functools import lru_cache

import chainlit as cl
from chainlit.input_widget import Select

from tutor.guard import QuestionError, error_message
from tutor.prompt_lab import LabEvent, LabRound, PromptLab, findings
from tutor.prompts import load_prompts
from tutor.results import AskOptions, TutorError, TutorResult
from tutor.streams import in_thread
from tutor.techniques import DEFAULT, UnknownTechnique, catalogue, resolve, techniques, title
from tutor.ui_prompting import (
    PARTS_SECTION, QUALITIES_SECTION, anatomy, comparison_column, comparison_intro, lab_columns, lab_report,
    side_by_side_labels,
)
from tutor.ui_text import ASSISTANT_NAME, ui_text

log = logging.getLogger(__name__)
_get_engine = None


def register(get_engine) -> None:
    """Give these handlers the app's engine getter (app.py imports this module, not the reverse)."""
    global _get_engine
    _get_engine = get_engine


@lru_cache(maxsize=1)
def _techniques():
    """The technique files, loaded and checked once (the settings panel needs them before the engine)."""
    return techniques(load_prompts())


def chat_settings(options: AskOptions) -> cl.ChatSettings:
    """The settings panel: answer language and prompt technique."""
    items = {title(p, "fr"): name for name, p in _techniques().items()}
    return cl.ChatSettings([
        Select(id="language", label="Langue des réponses", initial_value=options.language,
               items={"Automatique (celle de la question)": "auto", "Français": "fr", "English": "en"}),
        Select(id="technique", label="Technique de prompt", initial_value=options.technique, items=items,
               description="La technique utilisée pour construire le prompt de chaque réponse (voir /technique)."),
    ])


def answer_actions(result: TutorResult, language: str) -> list[cl.Action]:
    """The buttons under an answer: its prompt's anatomy, and the same question with another technique."""
    if result.refused or not result.prompt:
        return []
    other = "few-shot" if result.technique == DEFAULT else DEFAULT
    return [
        cl.Action(name="anatomy", label=ui_text("anatomy_button", language), icon="microscope",
                  payload={"question": result.question, "prompt": result.prompt, "note": result.technique_note,
                           "language": language}),
        cl.Action(name="compare", label=ui_text("compare_button", language).format(other=other), icon="columns-2",
                  payload={"question": result.question, "techniques": [result.technique, other],
                           "language": language}),
    ]


async def _say(content: str, **kwargs) -> None:
    await cl.Message(content=content, author=ASSISTANT_NAME, **kwargs).send()


def _lesson(chunk_id: str, engine) -> tuple[str | None, list]:
    """The lesson section that teaches what is shown, as a side element and the name that links to it."""
    try:
        chunk = engine.reader.snapshot().by_id.get(chunk_id)
    except Exception:  # no index: show the view without its lesson link
        return None, []
    if chunk is None:
        return None, []
    name = f"{chunk.lesson_title} › {chunk.section}"
    return name, [cl.Text(name=name, content=f"**{chunk.lesson_title} — {chunk.section}**\n\n{chunk.text}",
                          display="side")]


async def handle_command(text: str, language: str) -> bool:
    """Run a prompt-engineering command; False when `text` is not one of them."""
    command, _, rest = text.strip().partition(" ")
    command, rest = command.lower(), rest.strip()
    try:
        if command in ("/technique", "/techniques"):
            await choose_technique(rest, language)
        elif command in ("/anatomie", "/anatomy"):
            last: TutorResult | None = cl.user_session.get("last_result")
            if last is None:
                await _say(ui_text("no_answer_yet", language))
            else:
                await show_anatomy(last.question, last.prompt, last.technique_note, language)
        elif command == "/compare":
            await compare_command(rest, language)
        elif command == "/prompt":
            await (run_lab(rest, language) if rest else _say(ui_text("lab_help", language)))
        else:
            return False
    except QuestionError as exc:
        await _say(error_message(exc, language, n=len(rest)))
    except (TutorError, UnknownTechnique) as exc:
        await _say(exc.message(language))
    except Exception:
        log.exception("prompt-engineering command failed: %s", command)
        await _say(ui_text("unexpected", language))
    return True


async def choose_technique(name: str, language: str) -> None:
    options: AskOptions = cl.user_session.get("options") or AskOptions()
    if not name:
        await _say(catalogue(_techniques(), resolve(_techniques(), options.technique).technique, language))
        return
    prompt = resolve(_techniques(), name)
    options.technique = prompt.technique
    cl.user_session.set("options", options)
    await chat_settings(options).send()  # keep the settings panel in step with the command
    change = prompt.change.get(language) or prompt.change["fr"]
    await _say(ui_text("technique_set", language).format(title=title(prompt, language), change=change))


async def show_anatomy(question: str, prompt: dict, note: str, language: str) -> None:
    engine = await _get_engine()
    name, elements = _lesson(PARTS_SECTION, engine)
    await _say(anatomy(question, prompt, note, name, language), elements=elements)


async def compare_command(rest: str, language: str) -> None:
    words = rest.split()
    table = _techniques()
    names = []
    while words and len(names) < 2 and _is_technique(words[0]):
        names.append(resolve(_techniques(), words.pop(0)).technique)
    if not names:
        await _say(ui_text("compare_help", language).format(names=", ".join(f"`{n}`" for n in table)))
        return
    if len(names) == 1:  # compare with the technique in use
        current = resolve(_techniques(), (cl.user_session.get("options") or AskOptions()).technique).technique
        names.insert(0, current if current != names[0] else DEFAULT if names[0] != DEFAULT else "few-shot")
    question = " ".join(words) or next((t["content"] for t in reversed(cl.user_session.get("history") or [])
                                        if t["role"] == "user"), "")
    if not question:
        await _say(ui_text("compare_no_question", language))
        return
    await compare(question, names, language)


def _is_technique(word: str) -> bool:
    try:
        resolve(_techniques(), word)
        return True
    except UnknownTechnique:
        return False


async def compare(question: str, names: list[str], language: str) -> None:
    """Answer `question` with each technique (one after the other, streamed in steps), then side by side."""
    engine = await _get_engine()
    history = cl.user_session.get("history") or []
    options: AskOptions = cl.user_session.get("options") or AskOptions()
    results = []
    for name in names:
        result = None
        async with cl.Step(name=ui_text("answering_with", language).format(technique=name), type="llm") as step:
            async for event in engine.astream(question, history, AskOptions(options.language, name)):
                if isinstance(event, str):
                    await step.stream_token(event)
                elif isinstance(event, TutorResult):
                    result = event
            step.output = result.answer
        options = AskOptions(result.language, options.technique)
        results.append(result)
    language = results[0].language
    props = {"columns": [comparison_column(r, f"`{r.technique}`", language) for r in results],
             "labels": side_by_side_labels(language)}
    await _say(comparison_intro(question, names, language),
               elements=[cl.CustomElement(name="SideBySide", props=props, display="inline")])


async def run_lab(text: str, language: str) -> None:
    """One prompt-lab round: rubric, the model's review, both prompts run, then the report side by side."""
    engine = await _get_engine()
    previous: LabRound | None = cl.user_session.get("lab")
    open_step: cl.Step | None = None
    result: LabRound | None = None

    async def start(name: str) -> cl.Step:
        nonlocal open_step
        if open_step is not None:
            await open_step.update()
        open_step = cl.Step(name=name, type="tool")
        await open_step.send()
        return open_step

    await start(ui_text("lab_rubric", language))
    async for event in in_thread(lambda: PromptLab(engine).stream(text, language=language, previous=previous)):
        if isinstance(event, LabRound):
            result = event
        elif event.stage == "rubric":
            open_step.output = findings(event.data, language)
            await start(ui_text("lab_review", language))
        elif event.stage == "review":
            open_step.output = event.text or "—"
        elif event.stage in ("token", "image"):
            wanted = ui_text(f"lab_run_{event.which}", language)
            if open_step.name != wanted:
                await start(wanted)
            if event.stage == "token":
                await open_step.stream_token(event.text)
    if open_step is not None:
        await open_step.update()
    cl.user_session.set("lab", result)
    name, elements = _lesson(QUALITIES_SECTION, engine)
    if result.answers:
        elements.append(cl.CustomElement(name="SideBySide", display="inline", props={
            "columns": lab_columns(result), "labels": side_by_side_labels(result.language)}))
    for which, png in result.images.items():
        elements.append(cl.Image(name=ui_text(f"lab_run_{which}", language), content=png, mime="image/png",
                                 display="inline", size="medium"))
    actions = [cl.Action(name="lab_retry", label=ui_text("lab_retry", language), icon="refresh-cw",
                         payload={"prompt": result.improved, "language": result.language})]
    await _say(lab_report(result, name), elements=elements, actions=actions)


@cl.action_callback("anatomy")
async def on_anatomy(action: cl.Action) -> None:
    p = action.payload
    await show_anatomy(p["question"], p["prompt"], p.get("note", ""), p.get("language", "fr"))


@cl.action_callback("compare")
async def on_compare(action: cl.Action) -> None:
    p = action.payload
    await handle_command(f"/compare {' '.join(p['techniques'])} {p['question']}", p.get("language", "fr"))


@cl.action_callback("lab_retry")
async def on_lab_retry(action: cl.Action) -> None:
    await handle_command(f"/prompt {action.payload['prompt']}", action.payload.get("language", "fr"))
