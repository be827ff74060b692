"""Learners' progress per lesson: the page's plots and tables, anonymised, and the same figures exported."""

import csv
import io
import json

from tutor.cli import main
from tutor.instructors.reports import course_report
from tutor.storage.events import EventStore
from tutor.storage.progress import ProgressStore

LESSONS = [{"id": "a", "title": "Leçon A", "order": 1}, {"id": "b", "title": "Leçon B", "order": 2}]


def row(n, lesson, refused=False, learner="apprenant-x"):
    return {"id": n, "at": f"2026-01-01T00:00:{n:02d}", "learner": learner, "act": "question", "refused": refused,
            "lesson_id": None if refused else lesson, "closest_lesson": lesson if refused else None}


def test_figures_per_lesson_and_anonymised_learners():
    events = [row(1, "a"), row(2, "a", learner="apprenant-y"), row(3, "b", refused=True)]
    feedback = [{"helpful": True, "sources": ["a#intro"]}, {"helpful": False, "sources": ["b#x"]},
                {"helpful": False, "sources": []}]
    answers = [{"learner": "apprenant-x", "lesson_id": "a", "verdict": v, "at": "2026"} for v in
               ("correct", "partial", "revealed", "correct")]
    progress = [{"learner": "apprenant-x", "lesson_id": "a", "answers": 4, "score": 2.5, "updated_at": "2026"},
                {"learner": "apprenant-y", "lesson_id": "a", "answers": 1, "score": 1.0, "updated_at": "2026"}]
    report = course_report(LESSONS, events, feedback, answers, progress)
    a, b = report["lessons"]
    assert (a["questions"], a["declines"], a["thumbs_up"], a["thumbs_down"]) == (2, 0, 1, 0)
    assert (b["questions"], b["declines"], b["thumbs_down"]) == (0, 1, 1)
    assert (a["quiz_answers"], a["quiz_correct"], a["quiz_incorrect"], a["quiz_success"]) == (4, 2, 1, 0.625)
    assert (a["0.4–0.6"], a["0.4–0.6"] + a["0.2–0.4"], a["learners"]) == (2, 2, 2)  # masteries 0.5 and 0.5
    names = [x["learner"] for x in report["learners"]]
    assert names == ["Apprenant 1", "Apprenant 2"] and "apprenant-x" not in json.dumps(report)


def test_the_progress_page_plots_and_exports_the_same_figures(client, capsys):
    from chainlit.data import get_data_layer

    engine = get_data_layer().engine
    lessons = client.get("/instructors/api/courses/main/lessons").json()["lessons"]
    first = lessons[0]["id"]
    progress = ProgressStore(engine)
    for learner, verdicts in (("apprenant-secret-1", ["correct", "correct"]), ("apprenant-secret-2", ["incorrect"])):
        for verdict in verdicts:
            client.portal.call(lambda who=learner, v=verdict: progress.record(who, first, v, item_id="i", kind="quiz",
                                                                              question="Q ?"))
    client.portal.call(EventStore(engine).log, {
        "at": "2026-01-01T00:00:00+00:00", "course": "main", "learner": "apprenant-secret-1", "act": "question",
        "refused": 0, "question": "Q ?", "lesson_id": first, "unsupported": 0, "dropped": 0})
    page = client.get("/instructors/courses/main/report").text
    assert page.count("<svg") == 4 and "Apprenant 2" in page and "apprenant-secret" not in page
    exported = client.get("/instructors/courses/main/export/report.json").json()
    row = next(r for r in exported["lessons"] if r["lesson_id"] == first)
    assert (row["quiz_answers"], row["quiz_correct"], row["questions"], row["learners"]) == (3, 2, 1, 2)
    assert f'<tr data-lesson="{first}"><td>' in page and "<td>67 %</td>" in page
    table = list(csv.DictReader(io.StringIO(client.get("/instructors/courses/main/export/report.csv").text)))
    assert [r["lesson_id"] for r in table] == [x["id"] for x in lessons] and table[0]["quiz_answers"] == "3"
    capsys.readouterr()
    assert main(["report", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == exported
    assert main(["feedback", "--csv"]) == 0
    assert capsys.readouterr().out.startswith("at,helpful,comment,question")


def test_the_exports_work_on_a_fresh_data_dir(capsys):
    """No index and no chat yet (no database either): every export answers, empty, and says what to do."""
    for command in (["gaps"], ["gaps", "--json"], ["gaps", "--csv"], ["report"], ["report", "--json"],
                    ["report", "--csv"], ["feedback"], ["feedback", "--json"], ["feedback", "--csv"]):
        capsys.readouterr()
        assert main(command) == 0, command
        out, err = capsys.readouterr()
        assert "Traceback" not in err and "not initialized" not in err, (command, err)
        if command == ["gaps", "--json"]:
            assert json.loads(out)["turns"] == 0
        if command == ["report"]:
            assert "run `tutor ingest`" in out
        if command == ["feedback", "--json"]:
            assert json.loads(out) == []
