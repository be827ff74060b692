"""The chat's handlers keep a conversation in the database and resume it, on SQLite and on PostgreSQL."""

import asyncio

import chainlit as cl
from chainlit.context import context
from chainlit.data import get_data_layer

from tutor.chat import app
from tutor.chat.storage import TutorDataLayer

QUESTION = "Sur combien de mots les LLM sont-ils formés ?"
ANSWER = "Les LLM sont formés sur des milliers de milliards de mots [1]."
LEARNER = cl.User(identifier="apprenant-0123456789", metadata={"role": "learner", "provider": "anonymous"})


async def link_thread(emitter):
    """What Chainlit's socket does at a learner's first message: the thread belongs to the learner."""
    layer = get_data_layer()
    user = await layer.create_user(LEARNER)
    await layer.update_thread(context.session.thread_id, name=QUESTION, user_id=user.id)


async def ask(emitter):
    message = cl.Message(content=QUESTION, author=LEARNER.identifier, type="user_message")
    await message.send()
    await app.on_message(message)


def stored_thread(url: str, thread_id: str) -> dict:
    async def read():
        layer = TutorDataLayer(url)
        try:
            return await layer.get_thread(thread_id)
        finally:
            await layer.engine.dispose()
    return asyncio.run(read())


def test_a_conversation_is_kept_and_resumed(chat, database_url):
    emitter = chat(link_thread, ask, replies=[ANSWER], user=LEARNER)
    thread = stored_thread(database_url, emitter.session.thread_id)
    messages = [(s["type"], s["output"]) for s in thread["steps"] if s["type"].endswith("_message")]
    assert messages[0] == ("user_message", QUESTION)
    assert messages[-1][0] == "assistant_message" and messages[-1][1].startswith("Les LLM sont formés")
    assert thread["elements"] and all(e["display"] == "side" for e in thread["elements"])
    assert not [s for s in thread["steps"] if "avant la vôtre" in (s["output"] or "")]  # never stored

    resumed = {}

    async def resume(emitter):
        await app.on_chat_resume(thread)
        resumed["history"] = cl.user_session.get("teaching").history

    chat(resume, user=LEARNER)
    assert [turn["role"] for turn in resumed["history"]] == ["user", "assistant"]
    assert resumed["history"][0]["content"] == QUESTION
