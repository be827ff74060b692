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
