"""Chainlit handlers for prompt engineering: technique choice (settings panel, `/technique`), "Anatomie du
prompt", `/compare` and the prompt lab (`/prompt`). Like app.py, they only turn chat events into calls of
the engine (tutor.prompting) and render the results (tutor.chat.prompting_views, tutor.chat.render).
"""

from __future__ import annotations

from functools import lru_cache

import chainlit as cl
from chainlit.input_widget import Select

from tutor.chat.prompting_views import (
    PARTS_SECTION,
    QUALITIES_SECTION,
    anatomy,
    comparison_column,
    comparison_intro,
    lab_columns,
    lab_report,
    side_by_side_labels,
    technique_footer,
)
from tutor.chat.render import queue_position, say, stream_turn
from tutor.chat.services import get_engine
from tutor.chat.teaching import session
from tutor.chat.views import ui_text
from tutor.engine.events import Done, Event, Stage, Token
from tutor.engine.result import AskOptions, TutorResult
from tutor.engine.worker import in_thread
from tutor.prompting.compare import answer_difference, differing_parts
from tutor.prompting.lab import LabRound, PromptLab, findings
from tutor.prompting.prompts import load_prompts
from tutor.prompting.techniques import DEFAULT, UnknownTechnique, catalogue, resolve, techniques, title

__all__ = ["answer_actions", "chat_settings", "technique_footer"]


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
        cl.Action(name="compare", label=ui_text("compare_button", language, other=other), icon="columns-2",
                  payload={"question": result.question, "techniques": [result.technique, other],
                           "language": language}),
    ]


async def _lesson(chunk_id: str) -> tuple[str | None, list]:
    """The lesson section that teaches what is shown, as a side element and the name that links to it."""
    chunk = (await get_engine()).reader.chunk(chunk_id)
    if chunk is None:  # no index: show the view without its lesson link
        return None, []
    name = f"{chunk.lesson_title} › {chunk.section}"
    return name, [cl.Text(name=name, content=f"**{chunk.lesson_title} — {chunk.section}**\n\n{chunk.text}",
                          display="side")]


async def choose_technique(name: str, language: str) -> None:
    options: AskOptions = cl.user_session.get("options") or AskOptions()
    if not name:
        await say(catalogue(_techniques(), resolve(_techniques(), options.technique).technique, language))
        return
    prompt = resolve(_techniques(), name)
    options.technique = prompt.technique
    cl.user_session.set("options", options)
    await chat_settings(options).send()  # keep the settings panel in step with the command
    change = prompt.change.get(language) or prompt.change["fr"]
    await say(ui_text("technique_set", language, title=title(prompt, language), change=change))


async def show_last_anatomy(language: str) -> None:
    last: TutorResult | None = cl.user_session.get("last_result")
    if last is None:
        await say(ui_text("no_answer_yet", language))
    else:
        await show_anatomy(last.question, last.prompt, last.technique_note, language)


async def show_anatomy(question: str, prompt: dict, note: str, language: str) -> None:
    name, elements = await _lesson(PARTS_SECTION)
    await say(anatomy(question, prompt, note, name, language), elements=elements)


async def compare_command(rest: str, language: str) -> None:
    words = rest.split()
    table = _techniques()
    names = []
    while words and len(names) < 2 and _is_technique(words[0]):
        names.append(resolve(table, words.pop(0)).technique)
    if not names:
        await say(ui_text("compare_help", language, names=", ".join(f"`{n}`" for n in table)))
        return
    if len(names) == 1:  # compare with the technique in use
        current = resolve(table, (cl.user_session.get("options") or AskOptions()).technique).technique
        names.insert(0, current if current != names[0] else DEFAULT if names[0] != DEFAULT else "few-shot")
    question = " ".join(words) or next((t["content"] for t in reversed(session().history)
                                        if t["role"] == "user"), "")
    if not question:
        await say(ui_text("compare_no_question", language))
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
    engine = await get_engine()
    history = session().history
    options: AskOptions = cl.user_session.get("options") or AskOptions()
    results = []
    for name in names:
        step = cl.Step(name=ui_text("answering_with", language, technique=name), type="llm")
        await step.send()
        result = await stream_turn(engine.astream(question, history, AskOptions(options.language, name)),
                                   language, into=step, search_step=False)
        if result is None:
            return
        step.output = result.answer
        await step.update()
        options = AskOptions(result.language, options.technique)
        results.append(result)
    language = results[0].language
    props = {"columns": [comparison_column(r, r.technique, language) for r in results],
             "labels": side_by_side_labels(language)}
    intro = comparison_intro(question, names, language, differing_parts(*results), answer_difference(*results))
    await say(intro, elements=[cl.CustomElement(name="SideBySide", props=props, display="inline")])


async def run_lab(text: str, language: str) -> None:
    """One prompt-lab round: rubric, the model's review, both prompts run, then the report side by side."""
    if not text:
        await say(ui_text("lab_help", language))
        return
    engine = await get_engine()
    previous: LabRound | None = cl.user_session.get("lab")
    steps: list[cl.Step] = []

    async def start(name: str) -> cl.Step:
        if steps:
            await steps[-1].update()
        steps.append(cl.Step(name=name, type="tool"))
        await steps[-1].send()
        return steps[-1]

    await start(ui_text("lab_rubric", language))
    result: LabRound | None = None
    events = in_thread(lambda: PromptLab(engine).stream(text, language=language, previous=previous))
    async with queue_position(language):
        async for event in events:
            result = await _lab_event(event, steps[-1], start, language) or result
    await steps[-1].update()
    cl.user_session.set("lab", result)
    name, elements = await _lesson(QUALITIES_SECTION)
    if result.answers:
        elements.append(cl.CustomElement(name="SideBySide", display="inline", props={
            "columns": lab_columns(result), "labels": side_by_side_labels(result.language)}))
    for which, png in result.images.items():
        elements.append(cl.Image(name=ui_text(f"lab_run_{which}", language), content=png, mime="image/png",
                                 display="inline", size="medium"))
    actions = [cl.Action(name="lab_retry", label=ui_text("lab_retry", language), icon="refresh-cw",
                         payload={"prompt": result.improved, "language": result.language})]
    await say(lab_report(result, name), elements=elements, actions=actions)


async def _lab_event(event: Event, step: cl.Step, start, language: str) -> LabRound | None:
    """Show one prompt-lab event in its step; the round itself when it is done."""
    if isinstance(event, Done):
        return event.result
    if isinstance(event, Stage) and event.name == "rubric":
        step.output = findings(event.data, language)
        await start(ui_text("lab_review", language))
    elif isinstance(event, Stage) and event.name == "review":
        step.output = event.text or "—"
    elif isinstance(event, (Token, Stage)) and event.channel in ("original", "improved"):
        wanted = ui_text(f"lab_run_{event.channel}", language)
        if step.name != wanted:
            step = await start(wanted)
        if isinstance(event, Token):
            await step.stream_token(event.text)
    return None
