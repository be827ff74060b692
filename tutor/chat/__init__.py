"""The learners' front door: Chainlit handlers (app), chat commands, views, storage and identity."""
