"""Chat handlers for teaching: every message goes through the teacher (tutor.teaching.turn), its grades go
into the learner's progress, multiple-choice items and suggestions become buttons, and the commands
`/quiz [LESSON]`, `/guide [on|off]` and `/progres` run here."""

from __future__ import annotations

import logging

import chainlit as cl
from chainlit.data import get_data_layer

from tutor.chat.render import say, show_result, stream_turn
from tutor.chat.services import get_teacher, log_turn
from tutor.chat.views import ASSISTANT_NAME, ui_text
from tutor.engine.result import AskOptions, TutorResult
from tutor.engine.worker import in_thread
from tutor.teaching import feedback
from tutor.teaching.progress import LessonProgress, Progress
from tutor.teaching.session import Session

log = logging.getLogger(__name__)


def session() -> Session:
    current = cl.user_session.get("teaching")
    if current is None:
        current = Session()
        cl.user_session.set("teaching", current)
    return current


def learner() -> str | None:
    user = cl.user_session.get("user")
    return user.identifier if user else None


def progress_store():
    layer = get_data_layer()
    if layer is None or not hasattr(layer, "engine"):
        return None
    from tutor.storage.progress import ProgressStore

    return ProgressStore(layer.engine)


async def load_progress(state: Session) -> Progress:
    """The learner's progress from the database (empty for a learner with no account or no database)."""
    teacher = await get_teacher()
    lessons = [dict(lesson) for lesson in teacher.tutor.reader.lessons()]
    store, who = progress_store(), learner()
    by_lesson: dict[str, LessonProgress] = {}
    if store is not None and who:
        try:
            by_lesson = await store.load(who)
            state.recent_items |= set(await store.recent_items(who))
        except Exception:  # progress is a bonus: the chat works without it
            log.exception("could not load progress")
    state.progress = Progress(lessons, by_lesson)
    return state.progress


async def record(result: TutorResult, state: Session) -> None:
    """Store a graded answer in the learner's progress (and in the session's snapshot)."""
    grade = result.grade
    if not grade or grade["verdict"] not in ("correct", "partial", "incorrect", "revealed"):
        return
    store, who = progress_store(), learner()
    if store is not None and who:
        try:
            lesson = await store.record(who, grade["lesson_id"], grade["verdict"], item_id=grade["item_id"],
                                        kind=grade["kind"], question=grade["question"])
            if state.progress is not None:
                state.progress.by_lesson[grade["lesson_id"]] = lesson
            return
        except Exception:
            log.exception("could not store progress")
    if state.progress is not None:  # no database: the session still sees its progress move
        verdict = "incorrect" if grade["verdict"] == "revealed" else grade["verdict"]
        state.progress.by_lesson[grade["lesson_id"]] = state.progress.of(grade["lesson_id"]).record(verdict)


def teaching_actions(result: TutorResult) -> list[cl.Action]:
    """Buttons: one per option of a multiple-choice item, one per suggestion."""
    actions = []
    item = result.item
    if item and item.get("kind") == "mcq":
        for i, option in enumerate(item["options"]):
            actions.append(cl.Action(name="choice", label=f"{feedback.LETTERS[i]}. {option}",
                                     payload={"answer": feedback.LETTERS[i], "item_id": item["id"]}))
    for text in result.suggestions:
        actions.append(cl.Action(name="suggest", label=text, payload={"text": text}))
    return actions


async def run_turn(text: str, language: str, extra_actions=lambda result, language: [], footer=lambda r: "") -> None:
    """One learner message through the teacher, rendered, remembered, and its grade stored."""
    state = session()
    if state.progress is None:
        await load_progress(state)
    options: AskOptions = cl.user_session.get("options") or AskOptions()
    answer = cl.Message(content="", author=ASSISTANT_NAME)
    teacher = await get_teacher()
    result = await stream_turn(in_thread(lambda: teacher.stream(text, state, options)), language, into=answer)
    if result is None:
        return
    await show_result(answer, result, teaching_actions(result) + extra_actions(result, language), footer(result))
    await log_turn(result, answer.id)
    await record(result, state)
    if not result.refused and result.prompt:
        cl.user_session.set("last_result", result)


async def quiz_command(rest: str, language: str) -> None:
    lessons = {lesson["id"] for lesson in (await get_teacher()).tutor.reader.lessons()}
    topic = rest.strip()
    text = f"quiz {topic}" if topic and topic not in lessons else "quiz"
    state = session()
    if topic in lessons:  # `/quiz prompts`: that lesson, by id
        teacher = await get_teacher()
        maker = teacher.quiz_maker()
        quiz = maker.quiz([topic], language, state.recent_items)
        result = teacher.start_quiz(quiz, f"/quiz {topic}", state, language)
        result.act = "quiz"
        await show_result(cl.Message(content="", author=ASSISTANT_NAME), result, teaching_actions(result))
        return
    await run_turn(text, language)


async def guide_command(rest: str, language: str) -> None:
    state = session()
    state.guided = rest.strip().lower() not in ("off", "non", "no", "stop")
    await say((feedback.GUIDED_ON if state.guided else feedback.GUIDED_OFF).get(language))


async def progress_command(_: str, language: str) -> None:
    state = session()
    progress = await load_progress(state)
    rows = progress.course_map()
    from tutor.teaching import replies

    advice, ideas = replies.next_step(progress, language)
    props = {"lessons": rows, "labels": _map_labels(language)}
    await say(f"**{ui_text('progress_title', language)}**\n\n{advice}",
              elements=[cl.CustomElement(name="CourseMap", props=props, display="inline")],
              actions=[cl.Action(name="suggest", label=text, payload={"text": text}) for text in ideas])


def _map_labels(language: str) -> dict:
    if language == "en":
        return {"lesson": "Lesson", "mastery": "Mastery", "answers": "Answers", "review": "Review",
                "due": "due now", "none": "—"}
    return {"lesson": "Leçon", "mastery": "Maîtrise", "answers": "Réponses", "review": "Révision",
            "due": "à faire maintenant", "none": "—"}
