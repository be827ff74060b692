"""The learner sees their place in the model's line while they wait ("1 question avant la vôtre…"), not
kept in the history, gone when the model starts on their question."""

import threading
import time

from tutor.config import Settings
from tutor.providers.queue import queue_for


def test_a_waiting_learner_sees_their_place_then_the_answer(chat, monkeypatch):
    monkeypatch.setenv("TUTOR_LLM__CONCURRENCY", "1")
    queue = queue_for(Settings())
    holding = threading.Event()

    def another_learner():  # has the model until this learner's question has waited a little
        with queue.slot():
            holding.set()
            while queue.stats()["waiting"] == 0:
                time.sleep(0.01)
            time.sleep(0.3)

    threading.Thread(target=another_learner, daemon=True).start()
    holding.wait(5)
    emitter = chat("Sur combien de mots les LLM sont-ils formés ?",
                   replies=["Les LLM sont formés sur des milliers de milliards de mots [1]."])
    waits = [s for s in emitter.of("send_step") if "avant la vôtre" in (s.get("output") or "")]
    assert [s["output"] for s in waits] == ["1 question avant la vôtre…"]
    assert ("delete_step", waits[0]["id"]) in [(e[0], e[1]["id"]) for e in emitter.events if e[0] == "delete_step"]
    assert emitter.messages()[-1]["output"].startswith("Les LLM sont formés")
    assert queue.stats()["in_line"] == 0


def test_a_stopped_question_leaves_the_line(chat, monkeypatch):
    """Stop (or a closed tab: on_chat_end) cancels the handler's task, as Chainlit does: the question gives up
    its place and its position message goes."""
    import asyncio

    from chainlit.context import context

    from tutor.chat import app

    monkeypatch.setenv("TUTOR_LLM__CONCURRENCY", "1")
    queue = queue_for(Settings())
    holding, release = threading.Event(), threading.Event()

    def another_learner():
        with queue.slot():
            holding.set()
            release.wait(30)

    threading.Thread(target=another_learner, daemon=True).start()
    holding.wait(5)
    seen = {}

    async def ask_then_close_the_tab(emitter):
        message = cl_message("Sur combien de mots les LLM sont-ils formés ?")
        context.session.current_task = task = asyncio.create_task(app.on_message(message))
        while queue.stats()["in_line"] < 2:
            await asyncio.sleep(0.02)
        seen["in_line"] = queue.stats()["in_line"]
        await app.on_chat_end()
        await asyncio.gather(task, return_exceptions=True)
        seen["after"] = queue.stats()["in_line"]

    try:
        emitter = chat(ask_then_close_the_tab)
    finally:
        release.set()
    assert seen == {"in_line": 2, "after": 1}
    shown = [s for s in emitter.of("send_step") if "avant la vôtre" in (s.get("output") or "")]
    assert shown and shown[0]["id"] in [s["id"] for s in emitter.of("delete_step")]


def cl_message(text):
    from chainlit.message import Message

    return Message(content=text, author="learner", type="user_message")
