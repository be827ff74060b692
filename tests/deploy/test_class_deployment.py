"""A class deployment on one machine, for real: two `tutor serve` processes behind nginx (deploy/nginx.conf,
sticky sessions), one throwaway PostgreSQL, one data directory; learners speak Chainlit's socket.io
protocol (benchmarks/chat_client.py). Learners are spread over both processes, a conversation resumes on
either process, and a new index version published by one writer is served by both without a restart."""

import asyncio
import json
import os
import subprocess
import sys

import pytest
from fixtures.environment import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "deploy"))
from chat_client import ChatClient  # noqa: E402
from stack import Stack  # noqa: E402

pytestmark = pytest.mark.real
REPLY = "La pâte à crêpes se fait avec de la farine, des œufs et du lait [1]."
CREPES = "Comment fait-on la pâte à crêpes ?"
LESSON = """---
id: crepes
title: "La pâte à crêpes"
order: 9
---
# La pâte à crêpes

## Les ingrédients

La pâte à crêpes se fait avec de la farine, des œufs et du lait, mélangés puis reposés une heure.
"""


def test_two_processes_behind_nginx_share_learners_history_and_index(indexed, kb, postgres_database):
    env = {"TUTOR_LLM__PROVIDER": "fake", "TUTOR_EMBEDDINGS__PROVIDER": "fake",
           "TUTOR_LLM__FAKE_RESPONSES": json.dumps([REPLY]), "TUTOR_KNOWLEDGE__DIR": str(kb),
           "TUTOR_CACHE_DIR": str(indexed.cache_dir)}
    with Stack(indexed.data_dir, postgres_database, processes=2, env=env) as stack:
        async def scenario():
            learners = [await ChatClient(stack.url).open() for _ in range(8)]
            turns = await asyncio.gather(*(c.ask("Sur combien de mots les LLM sont-ils formés ?") for c in learners))
            assert [t.error for t in turns] == [""] * 8 and all(t.answer for t in turns)
            first = learners[0]
            for c in learners:
                await c.close()

            for backend in stack.backends:  # the same browser comes back on either process
                again = await ChatClient(backend, thread_id=first.thread_id, learner=first.learner).open()
                outputs = [s["output"] for s in again.resumed["steps"]]
                assert "Sur combien de mots les LLM sont-ils formés ?" in outputs
                await again.close()

            async def ask_each(question):
                answers = []
                for backend in stack.backends:
                    client = await ChatClient(backend).open()
                    answers.append((await client.ask(question)).answer)
                    await client.close()
                return answers

            before = await ask_each(CREPES)
            (kb / "09-crepes.md").write_text(LESSON, encoding="utf-8")
            published = subprocess.run([sys.executable, "-m", "tutor.cli", "ingest", "--json"], capture_output=True,
                                       text=True, timeout=300, env={**os.environ, **env,
                                                                    "TUTOR_DATA_DIR": str(indexed.data_dir)})
            assert published.returncode == 0, published.stderr
            assert json.loads(published.stdout)["lessons"] == len(list(kb.glob("*.md")))
            after = await ask_each(CREPES)
            return before, after

        before, after = asyncio.run(scenario())
        assert all(a.startswith("Je ne trouve pas") for a in before), before
        assert all("La pâte à crêpes" in a and "Sources" in a for a in after), after
        assert len(set(stack.upstreams())) == 2  # nginx sent learners to both processes
