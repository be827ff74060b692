"""Chainlit 2.12's history tables and the tutor's progress tables.

The schema the tutor's first release created on SQLite (tutor/chat/storage.py), and Chainlit's documented
PostgreSQL schema with the columns its code also writes (steps.defaultOpen, autoCollapse, modes;
elements.autoPlay, playerConfig). Databases that already hold these tables (made by that release, or by
hand from Chainlit's documentation) are adopted: only what is missing is created or added.

Revision ID: 0001
Revises:
Create Date: 2026-06-01
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _tables(pg: bool) -> dict[str, list]:
    """Each table's columns and constraints, in PostgreSQL's types or their SQLite stand-ins."""
    uuid = postgresql.UUID(as_uuid=False) if pg else sa.Text()
    json = postgresql.JSONB() if pg else sa.Text()
    tags = postgresql.ARRAY(sa.Text()) if pg else sa.Text()
    boolean = sa.Boolean() if pg else sa.Integer()
    text, integer = sa.Text(), sa.Integer()

    def fk_thread():
        return sa.ForeignKeyConstraint(["threadId"], ["threads.id"], ondelete="CASCADE")

    return {
        "users": [
            sa.Column("id", uuid, primary_key=True), sa.Column("identifier", text, nullable=False, unique=True),
            sa.Column("metadata", json, nullable=False), sa.Column("createdAt", text),
        ],
        "threads": [
            sa.Column("id", uuid, primary_key=True), sa.Column("createdAt", text), sa.Column("name", text),
            sa.Column("userId", uuid), sa.Column("userIdentifier", text), sa.Column("tags", tags),
            sa.Column("metadata", json),
            sa.ForeignKeyConstraint(["userId"], ["users.id"], ondelete="CASCADE"),
        ],
        "steps": [
            sa.Column("id", uuid, primary_key=True), sa.Column("name", text, nullable=False),
            sa.Column("type", text, nullable=False), sa.Column("threadId", uuid, nullable=False),
            sa.Column("parentId", uuid), sa.Column("streaming", boolean, nullable=False),
            sa.Column("waitForAnswer", boolean), sa.Column("isError", boolean), sa.Column("metadata", json),
            sa.Column("tags", tags), sa.Column("input", text), sa.Column("output", text),
            sa.Column("createdAt", text), sa.Column("command", text), sa.Column("start", text),
            sa.Column("end", text), sa.Column("generation", json), sa.Column("showInput", text),
            sa.Column("language", text), sa.Column("indent", integer), sa.Column("defaultOpen", boolean),
            sa.Column("autoCollapse", boolean), sa.Column("modes", json),
            fk_thread(),
        ],
        "elements": [
            sa.Column("id", uuid, primary_key=True), sa.Column("threadId", uuid), sa.Column("type", text),
            sa.Column("url", text), sa.Column("chainlitKey", text), sa.Column("name", text, nullable=False),
            sa.Column("display", text), sa.Column("objectKey", text), sa.Column("size", text),
            sa.Column("page", integer), sa.Column("language", text), sa.Column("forId", uuid),
            sa.Column("mime", text), sa.Column("props", json), sa.Column("autoPlay", boolean),
            sa.Column("playerConfig", json),
            fk_thread(),
        ],
        "feedbacks": [
            sa.Column("id", uuid, primary_key=True), sa.Column("forId", uuid, nullable=False),
            sa.Column("threadId", uuid, nullable=False), sa.Column("value", integer, nullable=False),
            sa.Column("comment", text),
            fk_thread(),
        ],
        "tutor_progress": [
            sa.Column("learner", sa.String(200), primary_key=True),
            sa.Column("lesson_id", sa.String(200), primary_key=True),
            sa.Column("answers", integer, nullable=False), sa.Column("correct", integer, nullable=False),
            sa.Column("partial", integer, nullable=False), sa.Column("incorrect", integer, nullable=False),
            sa.Column("score", sa.Float(), nullable=False), sa.Column("card", text),
            sa.Column("updated_at", sa.String(40)),
        ],
        "tutor_answers": [
            sa.Column("id", integer, primary_key=True, autoincrement=True),
            sa.Column("learner", sa.String(200), nullable=False), sa.Column("lesson_id", sa.String(200), nullable=False),
            sa.Column("item_id", sa.String(64), nullable=False), sa.Column("kind", sa.String(20), nullable=False),
            sa.Column("question", text, nullable=False), sa.Column("verdict", sa.String(20), nullable=False),
            sa.Column("at", sa.String(40), nullable=False),
        ],
    }


def upgrade() -> None:
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    for name, parts in _tables(bind.dialect.name == "postgresql").items():
        if not inspector.has_table(name):
            op.create_table(name, *parts)
            continue
        present = {c["name"] for c in inspector.get_columns(name)}
        for column in parts:
            if isinstance(column, sa.Column) and column.name not in present:
                op.add_column(name, sa.Column(column.name, column.type))  # nullable: rows already exist
    if "ix_tutor_answers_learner" not in {i["name"] for i in inspector.get_indexes("tutor_answers")}:
        op.create_index("ix_tutor_answers_learner", "tutor_answers", ["learner"])


def downgrade() -> None:
    for name in ("tutor_answers", "tutor_progress", "feedbacks", "elements", "steps", "threads", "users"):
        op.drop_table(name)
