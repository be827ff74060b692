"""Every test runs isolated: temp data and cache dirs, fake providers, no AWS credentials, offline flags.
Shared fixtures live in `tests/fixtures/` (pytest plugins): settings and the course, one fake-embedding
index built once per session, the chat in a real Chainlit context, the `tutor` command, fake servers."""

pytest_plugins = ["fixtures.environment", "fixtures.course", "fixtures.chat", "fixtures.commands", "fixtures.postgres"]
