"""The log of every turn, the gaps report (declined questions grouped by meaning) and its exports."""

import asyncio
import csv
import io
import json

import numpy as np

from tutor.cli import main
from tutor.instructors.gaps import declined_groups, repaired, suggest
from tutor.storage.events import EventStore

ANSWER = "Les LLM sont formés sur des milliers de milliards de mots [1]."


def event(n, question, refused=True, reason="off_topic", **fields):
    return {"id": n, "at": f"2026-01-01T00:00:{n:02d}+00:00", "course": "main", "learner": f"l{n % 3}",
            "thread_id": f"t{n}", "message_id": None, "act": "question", "refused": int(refused),
            "refusal_reason": reason if refused else None, "question": question, "language": "fr",
            "lesson_id": None if refused else "llm", "closest_lesson": "llm" if refused else None, "unsupported": 0,
            "dropped": 0, "index_version": "v1", "handled_at": None, "handled_by": None, "handled_action": None,
            **fields}


class TopicEmbeddings:
    """Questions about the same topic get the same direction (a stand-in for a real embedding model)."""

    TOPICS = ("australie", "pizza", "bitcoin")

    def embed_query(self, text):
        vector = np.array([float(topic in text.lower()) for topic in self.TOPICS] + [0.05])
        return (vector / np.linalg.norm(vector)).tolist()


def test_declined_questions_are_grouped_by_meaning_with_counts_and_examples():
    events = [event(1, "Quelle est la capitale de l'Australie ?"), event(2, "La plus grande ville d'Australie ?"),
              event(3, "Recette de la pizza ?", reason="not_in_course"), event(4, "Combien vaut le bitcoin ?"),
              event(5, "Et la capitale de l'Australie, alors ?", reason="model_declined"),
              event(6, "Qu'est-ce qu'un LLM ?", refused=False), event(7, "Injection", reason="injection")]
    groups = declined_groups(events, TopicEmbeddings(), None, 0.8, {"llm": "Les LLM"})
    assert [(g["count"], g["group"]) for g in groups] == [(3, 1), (1, 2), (1, 3)]
    assert set(groups[0]["examples"]) == {events[0]["question"], events[1]["question"], events[4]["question"]}
    assert groups[0]["reasons"] == {"off_topic": 2, "model_declined": 1} and groups[0]["learners"] == 2
    assert groups[0]["closest_title"] == "Les LLM" and sorted(groups[0]["event_ids"]) == [1, 2, 5]


def test_the_suggested_action_follows_the_engines_own_decisions():
    # Mostly declined after the relevance policy let them in: a section comes close but does not answer.
    assert suggest({"model_declined": 2, "off_topic": 1}, 0.0) == "rewrite"
    assert suggest({"not_in_course": 1}, 0.9) == "rewrite"
    # Declined as off the course: a new section when the questions use the course's words, else off-topic.
    assert suggest({"off_topic": 2, "model_declined": 1}, 0.5) == "add"
    assert suggest({"off_topic": 1, "model_declined": 1}, 0.2) == "ignore"


def test_repaired_and_dropped_answers_are_listed():
    events = [event(1, "a", reason="unsupported"), event(2, "b", refused=False, unsupported=2, dropped=1),
              event(3, "c", refused=False)]
    assert [(r["id"], r["outcome"]) for r in repaired(events)] == [(1, "dropped"), (2, "repaired")]


def test_every_chat_turn_is_logged_with_its_outcome_and_exported(chat, semantic, capsys):
    import chainlit as cl

    from tutor.chat.storage import TutorDataLayer, database_url

    chat("Sur combien de mots les LLM sont-ils formés ?", "Quelle est la capitale de l'Australie ?", "Bonjour !",
         replies=(ANSWER,), user=cl.User(identifier="alice", metadata={"role": "learner"}))

    async def read():
        layer = TutorDataLayer(database_url(semantic.data_dir))
        try:
            return await EventStore(layer.engine).list()
        finally:
            await layer.engine.dispose()

    rows = asyncio.run(read())
    assert [(r["act"], r["refused"], r["refusal_reason"]) for r in rows] == [
        ("question", 0, None), ("question", 1, "off_topic"), ("greeting", 0, None)]
    answered, declined, _ = rows
    assert answered["lesson_id"] and answered["learner"] == "alice" and answered["thread_id"] and answered["message_id"]
    assert declined["closest_lesson"] and declined["question"] == "Quelle est la capitale de l'Australie ?"
    assert answered["course"] == "main" and answered["index_version"]

    # The exports after these turns: the declined question as a gap, the answered one counted for its
    # lesson, and a thumbs-down with its comment, in every format.
    async def thumbs_down():
        from chainlit.types import Feedback

        layer = TutorDataLayer(database_url(semantic.data_dir))
        try:
            await layer.upsert_feedback(Feedback(forId=answered["message_id"], threadId=answered["thread_id"],
                                                 value=0, comment="trop vague"))
        finally:
            await layer.engine.dispose()

    asyncio.run(thumbs_down())
    capsys.readouterr()
    assert main(["gaps", "--json"]) == 0
    gaps = json.loads(capsys.readouterr().out)
    assert (gaps["turns"], gaps["declined"]) == (3, 1) and gaps["groups"][0]["label"] == declined["question"]
    assert [u["comment"] for u in gaps["unhelpful"]] == ["trop vague"]
    assert main(["gaps", "--csv"]) == 0
    assert [r["count"] for r in csv.DictReader(io.StringIO(capsys.readouterr().out))] == ["1"]
    assert main(["report", "--csv"]) == 0
    figures = {r["lesson_id"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert figures[answered["lesson_id"]]["questions"] == "1" and figures[answered["lesson_id"]]["thumbs_down"] == "1"
    assert main(["feedback", "--json"]) == 0
    feedback = json.loads(capsys.readouterr().out)
    assert [(f["helpful"], f["comment"]) for f in feedback] == [(False, "trop vague")]
    assert main(["feedback", "--csv"]) == 0
    assert "trop vague" in capsys.readouterr().out


def log_events(client, rows):
    from chainlit.data import get_data_layer

    store = EventStore(get_data_layer().engine)
    for row in rows:
        client.portal.call(store.log, {k: v for k, v in row.items() if k != "id"})


def test_the_gaps_page_and_its_exports_show_the_same_groups(client, capsys, accounts):
    questions = ["Quelle est la capitale de l'Australie ?"] * 3 + ["Comment faire une pizza ?"] * 2 + \
        ["Cours du bitcoin ?"]
    rows = [event(n, q) for n, q in enumerate(questions, 1)] + \
        [event(10, "Qu'est-ce qu'un LLM ?", refused=False), event(11, "x", reason="unsupported")]
    log_events(client, rows)
    page = client.get("/instructors/courses/main/gaps").text
    exported = client.get("/instructors/courses/main/export/gaps.json").json()
    assert [g["count"] for g in exported["groups"]] == [3, 2, 1] and exported["declined"] == 6
    for group in exported["groups"]:
        assert f'data-count="{group["count"]}"' in page and group["label"].replace("'", "&#39;") in page
    assert f'id="declined-total">{exported["declined"]}<' in page and len(exported["repaired"]) == 1
    table = list(csv.DictReader(io.StringIO(client.get("/instructors/courses/main/export/gaps.csv").text)))
    assert [(r["count"], r["status"]) for r in table] == [("3", "open"), ("2", "open"), ("1", "open")]

    capsys.readouterr()
    assert main(["gaps", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["groups"] == exported["groups"]

    group = exported["groups"][0]
    client.post("/instructors/courses/main/gaps/handled",
                data={"event_ids": ",".join(map(str, group["event_ids"])), "action": "ignore"})
    after = client.get("/instructors/courses/main/export/gaps.json").json()
    assert [g["count"] for g in after["groups"]] == [2, 1] and after["handled"][0]["label"] == group["label"]
    assert main(["gaps"]) == 0
    assert "6 declined of 8 turns; 2 open groups, 1 handled." in capsys.readouterr().out
