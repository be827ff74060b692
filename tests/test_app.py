"""Chainlit handlers without a browser: a real ChainlitContext with a recording emitter, fakes by settings."""

import asyncio
import json
import uuid

import pytest
from chainlit.context import ChainlitContext, context_var
from chainlit.emitter import BaseChainlitEmitter
from chainlit.message import Message
from chainlit.session import HTTPSession

from tutor import app
from tutor.ingest import ingest


class RecordingEmitter(BaseChainlitEmitter):
    def __init__(self, session):
        super().__init__(session)
        self.events = []

    async def send_step(self, step_dict):
        self.events.append(("send_step", dict(step_dict)))

    async def update_step(self, step_dict):
        self.events.append(("update_step", dict(step_dict)))

    async def stream_start(self, step_dict):
        self.events.append(("stream_start", dict(step_dict)))

    async def send_token(self, id, token, is_sequence=False, is_input=False):
        self.events.append(("token", token))

    async def send_element(self, element_dict):
        self.events.append(("element", dict(element_dict)))

    def set_chat_settings(self, settings):
        self.events.append(("chat_settings", settings))

    async def emit(self, event, data):
        self.events.append(("emit", event, data))

    def streamed(self):
        return "".join(s["output"] for s in self.of("stream_start")) + "".join(self.of("token"))

    def of(self, kind):
        return [e[1] for e in self.events if e[0] == kind]

    def messages(self):
        """The last state of every assistant message, in order."""
        steps = {}
        for kind, step, *_ in self.events:
            if kind in ("send_step", "update_step") and step.get("type") == "assistant_message":
                steps[step["id"]] = step
        return list(steps.values())


async def close_layer():
    """Close the history database inside the test's event loop (its worker thread must not outlive it),
    and let the next test get a layer on its own data directory."""
    import chainlit.data

    # Chainlit persists steps in background tasks: let them finish before the loop closes.
    pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    await asyncio.gather(*pending, return_exceptions=True)
    if chainlit.data._data_layer is not None:
        await chainlit.data._data_layer.engine.dispose()
    chainlit.data._data_layer, chainlit.data._data_layer_initialized = None, False


@pytest.fixture
def chat(settings, monkeypatch):
    """Runs handlers in one chat session; the fake model's replies come from settings (env)."""
    ingest(settings)
    app._engine = None

    def run(*steps, replies=("ok",)):
        monkeypatch.setenv("TUTOR_LLM__FAKE_RESPONSES", json.dumps(list(replies)))
        session = HTTPSession(id=str(uuid.uuid4()), client_type="webapp", thread_id=str(uuid.uuid4()))
        emitter = RecordingEmitter(session)

        async def main():
            context_var.set(ChainlitContext(session, emitter))
            await app.on_chat_start()
            for step in steps:
                if isinstance(step, dict):
                    await app.on_settings_update(step)
                elif callable(step):  # e.g. a click on an action, given the emitter to find it
                    await step(emitter)
                else:
                    await app.on_message(Message(content=step, author="learner", type="user_message"))
            await close_layer()

        asyncio.run(main())
        app._engine = None
        return emitter

    return run


def test_answer_streams_with_a_retrieval_step_and_sources_as_elements(chat):
    emitter = chat("Sur combien de mots les LLM sont-ils formés ?",
                   replies=["Les LLM sont formés sur des milliers de milliards de mots [1]."])
    assert emitter.streamed().startswith("Les LLM sont formés") and len(emitter.of("token")) > 5
    retrieval = [s for s in emitter.of("update_step") if s.get("type") == "retrieval"]
    assert retrieval and "Extraits trouvés" in retrieval[-1]["output"] and "BM25" in retrieval[-1]["output"]
    final = emitter.messages()[-1]
    elements = emitter.of("element")
    assert elements and all(e["display"] == "side" and e["type"] == "text" for e in elements)
    assert all(e["name"] in final["output"] for e in elements)  # each source is referenced by name
    assert "Sources :" in final["output"]
    assert final["metadata"]["refused"] is False


def test_declines_show_the_closest_lessons_and_no_sources(chat):
    emitter = chat("Donne-moi une recette de crêpes.")
    final = emitter.messages()[-1]
    assert final["output"].startswith("Je ne trouve pas") and final["metadata"]["refusal_reason"] == "off_topic"
    assert emitter.of("element") == [] and emitter.streamed() == ""


def test_settings_change_the_answer_language(chat):
    emitter = chat({"language": "en"}, "Qu'est-ce qu'un prompt ?",
                   replies=["A prompt is a text request given to a foundation model [1]."])
    assert emitter.messages()[-1]["metadata"]["language"] == "en"
    assert emitter.of("chat_settings")


def test_errors_are_short_french_messages(chat, monkeypatch):
    emitter = chat("   ")
    assert emitter.messages()[-1]["output"] == "Votre message est vide : posez-moi une question sur le cours."
    emitter = chat("x" * 100_000)
    assert "trop long" in emitter.messages()[-1]["output"]
    monkeypatch.setenv("TUTOR_LLM__PROVIDER", "openai")
    emitter = chat("Qu'est-ce qu'un prompt ?")
    output = emitter.messages()[-1]["output"]
    assert output.startswith("Le modèle de langage n'est pas configuré") and "Traceback" not in output


def test_missing_index_tells_the_learner_what_to_run(chat, monkeypatch, tmp_path):
    monkeypatch.setenv("TUTOR_DATA_DIR", str(tmp_path / "nothing-here"))
    emitter = chat("Qu'est-ce qu'un prompt ?")
    assert "tutor ingest" in emitter.messages()[-1]["output"]


def test_follow_ups_use_the_conversation(chat):
    emitter = chat("Qu'est-ce qu'un LLM ?", "Et sur combien de mots ?",
                   replies=["Un LLM est un grand modèle de langage, un sous-ensemble des modèles de base.",
                            "Sur combien de mots les LLM sont-ils formés ?",
                            "Les LLM sont formés sur des milliers de milliards de mots."])
    final = emitter.messages()[-1]
    assert "milliers de milliards" in final["output"] and final["metadata"]["refused"] is False


def test_reindex_is_for_instructors_only(settings, kb, monkeypatch):
    import chainlit as cl

    from tutor.identity import add_user, authenticate

    ingest(settings)
    app._engine = None
    add_user(settings.data_dir / "users.json", "prof", "motdepasse-solide", "instructor")
    assert authenticate(settings.data_dir / "users.json", "prof", "mauvais") is None
    account = authenticate(settings.data_dir / "users.json", "prof", "motdepasse-solide")
    assert account == {"identifier": "prof", "role": "instructor"}

    def run(user, text):
        session = HTTPSession(id=str(uuid.uuid4()), client_type="webapp", thread_id=str(uuid.uuid4()), user=user)
        emitter = RecordingEmitter(session)

        async def main():
            context_var.set(ChainlitContext(session, emitter))
            await app.on_chat_start()
            await app.on_message(Message(content=text, author="x", type="user_message"))
            await close_layer()

        asyncio.run(main())
        return emitter.messages()[-1]["output"]

    learner = cl.User(identifier="apprenant-1", metadata={"role": "learner"})
    assert run(learner, "/reindex") == "Cette commande est réservée aux formateurs."
    (kb / "09-nouvelle.md").write_text("---\nid: nouvelle\ntitle: Nouvelle\norder: 9\n---\n# N\n\n## S\n\nTexte.\n",
                                       encoding="utf-8")
    instructor = cl.User(identifier="prof", metadata={"role": "instructor"})
    reply = run(instructor, "/reindex")
    assert reply.startswith("Index à jour : 9 leçons") and "1 ajoutés" in reply
    (kb / "10-vide.md").write_text("", encoding="utf-8")
    assert run(instructor, "/reindex").startswith("Rien n'a été indexé : le fichier 10-vide.md")
    app._engine = None
