"""Indexes for what a class does all day: a learner's threads (sidebar), a thread's steps and elements
(resume), feedback by thread; Chainlit's documented schema has none beyond primary keys.

Revision ID: 0002
Revises: 0001
Create Date: 2026-06-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_threads_userIdentifier": ("threads", ["userIdentifier"]),
    "ix_threads_userId": ("threads", ["userId"]),
    "ix_steps_threadId": ("steps", ["threadId"]),
    "ix_steps_parentId": ("steps", ["parentId"]),
    "ix_elements_threadId": ("elements", ["threadId"]),
    "ix_feedbacks_threadId": ("feedbacks", ["threadId"]),
}


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    for name, (table, columns) in INDEXES.items():
        if name not in {i["name"] for i in inspector.get_indexes(table)}:
            op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, _) in INDEXES.items():
        op.drop_index(name, table_name=table)
