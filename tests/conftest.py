"""Every test runs isolated: temp data and cache dirs, fake providers, no AWS credentials, offline flags.
Shared fixtures live in `tests/fixtures/` (pytest plugins): settings and the course, one fake-embedding
index built once per session, the chat in a real Chainlit context, the `tutor` command, fake servers, the
real chat server on fakes."""

import os

from tutor.paths import CHAT_UI_DIR

# Chainlit reads (and, when missing, writes a permissive default of) `.chainlit/config.toml` in its app root at
# import: the tests use the chat's own hardened config, as `tutor serve` does, never a default in the checkout.
os.environ.setdefault("CHAINLIT_APP_ROOT", str(CHAT_UI_DIR))

pytest_plugins = ["fixtures.environment", "fixtures.course", "fixtures.chat", "fixtures.commands",
                  "fixtures.chat_server", "fixtures.postgres"]
