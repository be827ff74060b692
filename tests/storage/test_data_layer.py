"""The chat's data layer on SQLite and on a real PostgreSQL, the same calls Chainlit makes: a learner, a
thread with a question, an answer (metadata, modes), a source element and feedback; the history sidebar,
a resumed thread, the feedback export, progress; deleting a thread. Chainlit's layer only logs SQL errors,
so any warning it logs fails the test."""

import asyncio
import logging
import uuid

import chainlit as cl
from chainlit.context import ChainlitContext, context_var
from chainlit.session import HTTPSession
from chainlit.types import Feedback, Pagination, ThreadFilter
from fixtures.chat import RecordingEmitter

from tutor.chat.storage import LocalStorageClient, TutorDataLayer, export_feedback
from tutor.storage.progress import ProgressStore

QUESTION = "Sur combien de mots les LLM sont-ils formés ?"
ANSWER = "Sur des milliers de milliards de mots [1]."


def step(thread_id: str, type_: str, output: str, at: str, **fields) -> dict:
    return {"id": str(uuid.uuid4()), "threadId": thread_id, "name": "Tuteur IA", "type": type_, "output": output,
            "createdAt": f"2026-06-01T10:00:{at}Z", "start": f"2026-06-01T10:00:{at}Z", "streaming": False,
            "isError": False, "waitForAnswer": False, "metadata": {}, "tags": None, **fields}


def test_history_feedback_and_progress_round_trip(database_url, tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger="chainlit")
    thread_id = str(uuid.uuid4())

    async def main():
        session = HTTPSession(id=str(uuid.uuid4()), client_type="webapp", thread_id=thread_id)
        context_var.set(ChainlitContext(session, RecordingEmitter(session)))
        layer = TutorDataLayer(database_url, storage_provider=LocalStorageClient(tmp_path / "elements"))
        try:
            user = await layer.create_user(cl.User(identifier="apprenant-abc", metadata={"role": "learner"}))
            await layer.update_thread(thread_id, name=QUESTION, user_id=user.id, tags=["cours"],
                                      metadata={"chat_settings": {"technique": "zero-shot"}})
            await layer.create_step(step(thread_id, "user_message", QUESTION, "01.000", name="apprenant-abc"))
            answer = step(thread_id, "assistant_message", ANSWER, "02.500", modes={"technique": "zero-shot"},
                          autoCollapse=False, defaultOpen=False,
                          metadata={"citations": ["llm-1"], "refused": False, "technique": "zero-shot",
                                    "question": QUESTION})
            await layer.create_step(answer)
            source = cl.Text(name="[1] Les LLM", content="Les LLM sont formés sur...", display="side",
                             for_id=answer["id"])
            await layer.create_element(source)
            await layer.upsert_feedback(Feedback(forId=answer["id"], threadId=thread_id, value=1, comment="clair"))
            store = ProgressStore(layer.engine)
            await store.record("apprenant-abc", "prompts", "correct", item_id="q1", kind="quiz", question="Un prompt ?")
            await store.record("apprenant-abc", "prompts", "revealed", item_id="q2", kind="check", question="Et ?")
            found = {
                "sidebar": await layer.list_threads(Pagination(first=10), ThreadFilter(userId=user.id)),
                "thread": await layer.get_thread(thread_id),
                "feedback": await export_feedback(layer),
                "progress": await store.load("apprenant-abc"),
                "recent": await store.recent_items("apprenant-abc"),
                "user": await layer.get_user("apprenant-abc"),
            }
            await layer.delete_thread(thread_id)
            found["deleted"] = await layer.get_thread(thread_id)
            return found
        finally:
            await layer.engine.dispose()

    found = asyncio.run(main())
    assert [t["id"] for t in found["sidebar"].data] == [thread_id]
    thread = found["thread"]
    assert thread["name"] == QUESTION and thread["tags"] == ["cours"]
    assert [s["output"] for s in thread["steps"]] == [QUESTION, ANSWER]
    assert thread["steps"][1]["metadata"]["citations"] == ["llm-1"]
    assert [e["name"] for e in thread["elements"]] == ["[1] Les LLM"]
    assert thread["steps"][1]["feedback"]["comment"] == "clair"
    assert found["feedback"][0]["answer"] == ANSWER and found["feedback"][0]["sources"] == ["llm-1"]
    # Feedback on the answer itself (no run step around it) still names the question, from the answer's metadata.
    assert found["feedback"][0]["question"] == QUESTION
    lesson = found["progress"]["prompts"]
    assert (lesson.answers, lesson.correct, lesson.incorrect) == (2, 1, 1)
    assert found["recent"] == ["q2", "q1"] and found["user"].metadata == {"role": "learner"}
    assert found["deleted"] is None
    assert [r.getMessage() for r in caplog.records if r.name.startswith("chainlit")] == []


def test_sources_stored_before_the_thread_row_belong_to_the_sessions_learner(tmp_path):
    """Chainlit writes the thread's row (with its owner) and the first answer's sources in separate background
    tasks: a source stored first went to `unknown/`, where its learner could never read it again."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'chat.db'}"
    thread_id, elsewhere = str(uuid.uuid4()), str(uuid.uuid4())

    async def main():
        layer = TutorDataLayer(url, storage_provider=LocalStorageClient(tmp_path / "elements"))
        try:
            user = await layer.create_user(cl.User(identifier="apprenant-abc", metadata={"role": "learner"}))
            session = HTTPSession(id=str(uuid.uuid4()), client_type="webapp", thread_id=thread_id, user=user)
            context_var.set(ChainlitContext(session, RecordingEmitter(session)))
            own = cl.Text(name="[1] Les LLM", content="Les LLM...", display="side", for_id=str(uuid.uuid4()))
            other = cl.Text(name="[1] Ailleurs", content="...", display="side", for_id=str(uuid.uuid4()))
            other.thread_id = elsewhere  # another thread, not this session's: never attributed to its learner
            await layer.create_element(own)
            await layer.create_element(other)
            keys = {name: key for name, key in [tuple(r.values()) for r in await layer.execute_sql(
                'SELECT "name", "objectKey" FROM elements', {})]}
            return user.id, keys
        finally:
            await layer.engine.dispose()

    user_id, keys = asyncio.run(main())
    assert keys["[1] Les LLM"].startswith(user_id + "/")
    assert keys["[1] Ailleurs"].startswith("unknown/")
