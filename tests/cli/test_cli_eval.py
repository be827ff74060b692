"""`tutor eval` end to end with fakes chosen by settings: exit codes, reports, any dataset, the judge."""

import json
import os
import subprocess
import sys

import pytest
from fixtures.environment import ROOT

from tutor.evaluation.judge import Judge

CASES = [
    {"id": "a1", "question": "Sur combien de mots les LLM sont-ils formés ?", "expect": "answer", "lang": "fr",
     "key_facts": [["milliers de milliards"]], "evidence": ["milliers de milliards"]},
    {"id": "r1", "question": "Donne-moi une recette de crêpes.", "expect": "refuse", "lang": "fr"},
]


def run_eval(settings, tmp_path, *args, replies=("Les LLM sont formés sur des milliers de milliards de mots.",)):
    env = dict(os.environ, TUTOR_DATA_DIR=str(settings.data_dir), TUTOR_CACHE_DIR=str(settings.cache_dir),
               TUTOR_LLM__FAKE_RESPONSES=json.dumps(list(replies)), PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "tutor.cli", "eval", *args], env=env, capture_output=True,
                          text=True, cwd=tmp_path, timeout=300)


def write_dataset(tmp_path, cases):
    path = tmp_path / "other.jsonl"
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), encoding="utf-8")
    return path


def test_any_dataset_runs_and_writes_reports(indexed, tmp_path):
    settings = indexed
    dataset = write_dataset(tmp_path, CASES)
    lenient = tmp_path / "thresholds.json"
    lenient.write_text(json.dumps({"fully_correct": 0.5, "off_course_declined": 1.0}))
    out, html = tmp_path / "out.json", tmp_path / "out.html"
    result = run_eval(settings, tmp_path, "--dataset", str(dataset), "--thresholds", str(lenient),
                      "--json", str(out), "--html", str(html))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2/2 cases passed" in result.stdout and "Gate: PASSED" in result.stdout
    data = json.loads(out.read_text())
    assert data["summary"]["fully_correct"] == 1.0 and data["summary"]["off_course_declined"] == 1.0
    assert {row["id"] for row in data["cases"]} == {"a1", "r1"}
    assert "Per lesson" in html.read_text() and "<svg" in html.read_text()


def test_a_missed_threshold_exits_1_and_lists_the_failed_case(indexed, tmp_path):
    settings = indexed
    dataset = write_dataset(tmp_path, CASES)
    result = run_eval(settings, tmp_path, "--dataset", str(dataset), replies=["Les LLM lisent beaucoup de mots."])
    assert result.returncode == 1
    assert "Gate: FAILED" in result.stdout and "fully_correct" in result.stdout and "- a1" in result.stdout


def test_a_technique_is_evaluated_on_the_same_cases(indexed, tmp_path):
    settings = indexed
    dataset, out = write_dataset(tmp_path, CASES), tmp_path / "out.json"
    result = run_eval(settings, tmp_path, "--dataset", str(dataset), "--technique", "format-list", "--json", str(out),
                      replies=["- Les LLM sont formés sur des milliers de milliards de mots."])
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads(out.read_text())
    assert data["meta"]["technique"] == "format-list" and data["summary"]["fully_correct"] == 1.0
    unknown = run_eval(settings, tmp_path, "--dataset", str(dataset), "--technique", "telepathie")
    assert unknown.returncode == 2 and "telepathie" in unknown.stderr
    baseline = run_eval(settings, tmp_path, "--dataset", str(dataset), "--technique", "role", "--update-baseline")
    assert baseline.returncode == 2 and "the baseline is the default prompt's" in baseline.stderr


def test_a_malformed_dataset_stops_with_its_line_number(settings, tmp_path):
    dataset = tmp_path / "bad.jsonl"
    dataset.write_text(json.dumps(CASES[0]) + "\n{oops\n", encoding="utf-8")
    result = run_eval(settings, tmp_path, "--dataset", str(dataset))
    assert result.returncode == 2 and "bad.jsonl:2" in result.stderr


def test_judge_scores_with_a_provider_chosen_by_settings(settings):
    verdict = '{"faithfulness": 4, "helpfulness": 5, "reason": "Fidèle aux extraits."}'
    judged = settings.model_copy(update={"llm": settings.llm.model_copy(update={"fake_responses": [verdict]})})
    scores = Judge(judged, "fake").score("Q ?", "Réponse.", ["extrait"])
    assert scores == {"faithfulness": 4.0, "helpfulness": 5.0, "judge_reason": "Fidèle aux extraits."}
    garbled = settings.model_copy(update={"llm": settings.llm.model_copy(update={"fake_responses": ["bof"]})})
    assert Judge(garbled, "fake").score("Q ?", "R.", ["e"])["faithfulness"] is None
    with pytest.raises(ValueError, match="too small to judge"):
        Judge(settings, "local")


def test_dev_and_test_splits_side_by_side_gate_on_test(indexed, tmp_path, monkeypatch):
    import tutor.cli.evaluate as evaluate

    splits = tmp_path / "evals"
    splits.mkdir()
    (splits / "answers-dev.jsonl").write_text(json.dumps(CASES[1], ensure_ascii=False) + "\n", encoding="utf-8")
    (splits / "answers-test.jsonl").write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in CASES),
                                               encoding="utf-8")
    thresholds = tmp_path / "thresholds.json"
    thresholds.write_text(json.dumps({"answers": {"fully_correct": 1.0}}))
    monkeypatch.setattr(evaluate, "EVALS_DIR", splits)
    from tutor.cli import main

    out = tmp_path / "both.json"
    monkeypatch.setenv("TUTOR_LLM__FAKE_RESPONSES", json.dumps(["Les LLM lisent beaucoup de mots."]))
    code = main(["eval", "--thresholds", str(thresholds), "--baseline", "", "--json", str(out)])
    data = json.loads(out.read_text())
    assert set(data["splits"]) == {"dev", "test"} and data["gated"] == "test"
    assert data["splits"]["dev"]["threshold_failures"] == []  # dev is reported, never gated
    assert code == 1 and data["splits"]["test"]["threshold_failures"]
    dev_only = main(["eval", "--split", "dev", "--thresholds", str(thresholds), "--baseline", ""])
    assert dev_only == 0
