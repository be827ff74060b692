"""The tutor's tables (SQLAlchemy Core), created with the chat's database."""

from __future__ import annotations

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text

metadata = MetaData()

progress = Table(
    "tutor_progress", metadata,
    Column("learner", String(200), primary_key=True),
    Column("lesson_id", String(200), primary_key=True),
    Column("answers", Integer, nullable=False, default=0),
    Column("correct", Integer, nullable=False, default=0),
    Column("partial", Integer, nullable=False, default=0),
    Column("incorrect", Integer, nullable=False, default=0),
    Column("score", Float, nullable=False, default=0.0),
    Column("card", Text),  # the FSRS card as JSON
    Column("updated_at", String(40)),
)

answers = Table(
    "tutor_answers", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("learner", String(200), nullable=False, index=True),
    Column("lesson_id", String(200), nullable=False),
    Column("item_id", String(64), nullable=False),
    Column("kind", String(20), nullable=False),  # check | quiz | guided | statement
    Column("question", Text, nullable=False),
    Column("verdict", String(20), nullable=False),  # correct | partial | incorrect | revealed
    Column("at", String(40), nullable=False),
)

events = Table(
    "tutor_events", metadata,  # one row per learner turn: what the engine decided (instructors read it)
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(40), nullable=False),
    Column("course", String(60), nullable=False, index=True),
    Column("learner", String(200)),
    Column("thread_id", String(100)),
    Column("message_id", String(100)),
    Column("act", String(30), nullable=False),
    Column("refused", Integer, nullable=False),  # 0 | 1
    Column("refusal_reason", String(30)),  # injection | off_topic | model_declined | unsupported | not_in_course
    Column("question", Text, nullable=False),
    Column("language", String(5)),
    Column("lesson_id", String(200)),  # the lesson of the first citation
    Column("closest_lesson", String(200)),  # a decline's closest lesson
    Column("unsupported", Integer, nullable=False, default=0),  # sentences no extract supports (removed)
    Column("dropped", Integer, nullable=False, default=0),  # citation markers removed by the checks
    Column("index_version", String(60)),
    Column("handled_at", String(40)),  # set when an instructor marks the gap handled
    Column("handled_by", String(200)),
    Column("handled_action", String(20)),  # add | rewrite | ignore
)

lesson_changes = Table(
    "tutor_lesson_changes", metadata,  # every change instructors made to a course, revertible
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(40), nullable=False),
    Column("course", String(60), nullable=False, index=True),
    Column("by", String(200), nullable=False),
    Column("action", String(20), nullable=False),  # add | replace | delete | reindex | revert
    Column("lesson_id", String(200)),
    Column("filename", String(300)),  # relative to the course's folder
    Column("before_text", Text),  # the lesson file before the change (None: there was none)
    Column("after_text", Text),  # and after it (None: deleted)
    Column("index_before", String(60)),
    Column("index_after", String(60)),
    Column("reverts", Integer),  # the change this one reverted
    Column("summary", Text),  # the ingest report, as JSON
)
