"""The instructors' tables: every learner turn's outcome (gaps, reports) and every change made to a course's
lessons (revert).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _events() -> list:
    return [
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("course", sa.String(60), nullable=False),
        sa.Column("learner", sa.String(200)),
        sa.Column("thread_id", sa.String(100)),
        sa.Column("message_id", sa.String(100)),
        sa.Column("act", sa.String(30), nullable=False),
        sa.Column("refused", sa.Integer, nullable=False),
        sa.Column("refusal_reason", sa.String(30)),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("language", sa.String(5)),
        sa.Column("lesson_id", sa.String(200)),
        sa.Column("closest_lesson", sa.String(200)),
        sa.Column("unsupported", sa.Integer, nullable=False),
        sa.Column("dropped", sa.Integer, nullable=False),
        sa.Column("index_version", sa.String(60)),
        sa.Column("handled_at", sa.String(40)),
        sa.Column("handled_by", sa.String(200)),
        sa.Column("handled_action", sa.String(20)),
    ]


def _lesson_changes() -> list:
    return [
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("course", sa.String(60), nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("lesson_id", sa.String(200)),
        sa.Column("filename", sa.String(300)),
        sa.Column("before_text", sa.Text),
        sa.Column("after_text", sa.Text),
        sa.Column("index_before", sa.String(60)),
        sa.Column("index_after", sa.String(60)),
        sa.Column("reverts", sa.Integer),
        sa.Column("summary", sa.Text),
    ]


TABLES = {"tutor_events": _events, "tutor_lesson_changes": _lesson_changes}


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    for name, columns in TABLES.items():
        if not inspector.has_table(name):  # a database where an earlier build created it with create_all
            op.create_table(name, *columns())
        if f"ix_{name}_course" not in {i["name"] for i in sa.inspect(op.get_bind()).get_indexes(name)}:
            op.create_index(f"ix_{name}_course", name, ["course"])


def downgrade() -> None:
    for name in TABLES:
        op.drop_table(name)
