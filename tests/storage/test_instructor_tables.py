"""What the instructors' pages add (migration 0003: the turn log `tutor_events`, the lesson changes
`tutor_lesson_changes`), on SQLite and on a real PostgreSQL: a database at the previous revision is
upgraded without losing a row, and both stores round-trip through the same calls the pages make."""

import uuid

from sqlalchemy import text

from tutor.storage import migrate
from tutor.storage.changes import ChangeStore
from tutor.storage.events import EventStore
from tutor.storage.migrate import run_on


def run(coro_fn, url):
    return run_on(url, coro_fn)


def event(**fields) -> dict:
    return {"at": "2026-06-01T10:00:00+00:00", "course": "llm", "learner": "apprenant-1", "thread_id": "t1",
            "message_id": None, "act": "question", "refused": 0, "refusal_reason": None,
            "question": "Qu'est-ce qu'un prompt ?", "language": "fr", "lesson_id": "prompts", "closest_lesson": None,
            "unsupported": 0, "dropped": 0, "index_version": "v1", **fields}


def test_a_database_before_the_instructors_tables_is_upgraded_keeping_its_rows(database_url):
    assert migrate.upgrade_url(database_url, "0002") == (None, "0002")

    user, thread = str(uuid.uuid4()), str(uuid.uuid4())  # PostgreSQL's ids are UUIDs

    async def before(engine):
        async with engine.begin() as conn:
            await conn.execute(text("""INSERT INTO users ("id", "identifier", "metadata", "createdAt")
                                       VALUES (:u, 'apprenant-1', '{}', '2026-01-01T00:00:00Z')"""), {"u": user})
            await conn.execute(text("""INSERT INTO threads ("id", "name", "userId", "userIdentifier")
                                       VALUES (:t, 'Les LLM', :u, 'apprenant-1')"""), {"t": thread, "u": user})
    run(before, database_url)
    migrate.forget_migrated()
    assert migrate.upgrade_url(database_url) == ("0002", migrate.head())

    async def after(engine):
        async with engine.connect() as conn:
            names = (await conn.execute(text('SELECT "name" FROM threads'))).scalars().all()
        events = EventStore(engine)
        logged = await events.log(event())
        return names, logged, await events.list("llm")
    names, logged, rows = run(after, database_url)
    assert names == ["Les LLM"]
    assert [(r["id"], r["question"], r["refused"]) for r in rows] == [(logged, "Qu'est-ce qu'un prompt ?", 0)]


def test_turn_log_and_lesson_changes_round_trip(database_url):
    migrate.upgrade_url(database_url)

    async def scenario(engine):
        events, changes = EventStore(engine), ChangeStore(engine)
        first = await events.log(event(refused=1, refusal_reason="off_topic", lesson_id=None))
        await events.log(event(course="other"))
        handled = await events.mark_handled([first], by="prof", action="add_section", course="llm")
        not_theirs = await events.mark_handled([first], by="prof", action="x", course="other")
        one = await changes.record(course="llm", by="prof", action="edit", lesson_id="prompts",
                                   filename="02-prompts.md", before_text="avant", after_text="après",
                                   index_before="v1", index_after="v2", summary={"chunks": 3, "é": "ü"})
        two = await changes.record(course="llm", by="prof", action="revert", lesson_id="prompts", reverts=one)
        return (handled, not_theirs, await events.list("llm"), await events.list(), await changes.list("llm"),
                await changes.get(one), await changes.latest("llm", "prompts"), two)

    handled, not_theirs, llm, every, listed, got, latest, two = run(scenario, database_url)
    assert (handled, not_theirs) == (1, 0)
    assert [(e["refusal_reason"], e["handled_by"], e["handled_action"]) for e in llm] == [
        ("off_topic", "prof", "add_section")]
    assert [e["course"] for e in every] == ["llm", "other"]
    assert [(c["action"], c["reverts"]) for c in listed] == [("revert", listed[1]["id"]), ("edit", None)]
    assert "before_text" not in listed[0] and listed[1]["summary"] == {"chunks": 3, "é": "ü"}
    assert (got["before_text"], got["after_text"], got["index_after"]) == ("avant", "après", "v2")
    assert latest["id"] == two
