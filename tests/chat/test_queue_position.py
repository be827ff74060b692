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
