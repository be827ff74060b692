"""Several courses: one folder and one index each, chosen by chat profile, managed by instructors each;
the first course stays the default."""

import asyncio
import json
import uuid

import pytest

from tutor.config import Settings
from tutor.course.index import IndexStore
from tutor.course.ingest import ingest

PYTHON = """---
id: listes
title: Les listes en Python
order: 1
---
# Les listes en Python
## Créer une liste
Une liste Python s'écrit entre crochets, par exemple [1, 2, 3].
"""
REPLY = "Une liste Python s'écrit entre crochets [1]."


@pytest.fixture
def two_courses(accounts, tmp_path, monkeypatch):
    folder = tmp_path / "python"
    folder.mkdir()
    (folder / "listes.md").write_text(PYTHON, encoding="utf-8")
    monkeypatch.setenv("TUTOR_COURSES", json.dumps([{"id": "python", "title": "Python", "dir": str(folder)}]))
    settings = Settings(_env_file=None)
    ingest(settings.for_course("python"))
    return settings


def test_the_first_course_is_the_default_and_keeps_its_index(two_courses):
    assert [c.id for c in two_courses.catalog()] == ["main", "python"]
    assert two_courses.index_dir == two_courses.data_dir / "index"
    python = two_courses.for_course("python")
    assert python.index_dir == two_courses.data_dir / "courses" / "python" / "index"
    assert [x["id"] for x in IndexStore(python.index_dir).manifest()["lessons"]] == ["listes"]
    assert Settings(_env_file=None, course="python").knowledge.dir == python.knowledge.dir
    with pytest.raises(ValueError):
        Settings(_env_file=None, courses=[{"id": "main", "title": "x", "dir": "x"}])


def chat_in(profile: str | None, text: str):
    """One message in a chat started with a chat profile (as Chainlit does when the learner picks one)."""
    from chainlit.context import ChainlitContext, context_var
    from chainlit.session import HTTPSession
    from fixtures.chat import RecordingEmitter, close_layer, user_message

    from tutor.chat import app, services

    session = HTTPSession(id=str(uuid.uuid4()), client_type="webapp", thread_id=str(uuid.uuid4()))
    session.chat_profile = profile
    emitter = RecordingEmitter(session)

    async def main():
        context_var.set(ChainlitContext(session, emitter))
        await app.on_chat_start()
        await app.on_message(user_message(text))
        await close_layer()

    services.reset_engine()
    try:
        asyncio.run(main())
    finally:
        services.reset_engine()
    return emitter


def test_learners_choose_the_course_at_the_start_of_a_chat(two_courses, monkeypatch):
    from tutor.chat import services

    monkeypatch.setenv("TUTOR_LLM__FAKE_RESPONSES", json.dumps([REPLY]))
    profiles = asyncio.run(services.course_profiles())
    assert [(p.name, p.default) for p in profiles] == [(two_courses.knowledge.title, True), ("Python", False)]
    answer = chat_in("Python", "Comment écrire une liste en Python ?").outputs()[-1]
    assert "Les listes en Python" in answer and "crochets" in answer
    declined = chat_in(None, "Comment écrire une liste en Python ?").outputs()[-1]
    assert "Les listes en Python" not in declined  # the first course does not teach it


def test_instructors_manage_each_course(client, two_courses):
    home = client.get("/instructors").text
    assert "/instructors/courses/python" in home and "/instructors/courses/main" in home
    lessons = client.get("/instructors/api/courses/python/lessons").json()["lessons"]
    assert [x["id"] for x in lessons] == ["listes"]
    main_version = IndexStore(two_courses.index_dir).current_name()
    text = "---\nid: dicts\ntitle: Les dictionnaires\norder: 2\n---\n# Les dictionnaires\n\nDes paires clé-valeur.\n"
    response = client.post("/instructors/courses/python/upload", files={"file": ("dicts.md", text.encode())},
                           follow_redirects=False)
    page = client.get(response.headers["location"]).text
    assert 'value="dicts"' in page
    import re

    body = re.search(r'<textarea name="body"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    client.post(response.headers["location"], data={"id": "dicts", "title": "Les dictionnaires", "order": "2",
                                                    "tags": "", "body": body, "decision": "index"})
    client.wait_jobs()
    ids = [x["id"] for x in client.get("/instructors/api/courses/python/lessons").json()["lessons"]]
    assert ids == ["listes", "dicts"] and IndexStore(two_courses.index_dir).current_name() == main_version
    assert client.get("/instructors/courses/nope").status_code == 404
