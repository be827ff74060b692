"""The tutor's own data beside Chainlit's history: learners' progress, the items they were asked, and the
log of what the engine decided (declines, repairs) that instructors read. SQLite by default, PostgreSQL
when configured; the same SQLAlchemy tables for both."""
