"""`tutor quiz` and `tutor grade` as an instructor or a learner runs them (fakes chosen by settings)."""

import json


def test_quiz_prints_validated_items_with_the_answer_marked_and_json(kb, tutor_cli):
    assert tutor_cli("ingest", str(kb)).returncode == 0
    plain = tutor_cli("quiz", "prompts")
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.count("\n1. ") + plain.stdout.startswith("1. ") == 1 and "   * " in plain.stdout
    data = json.loads(tutor_cli("quiz", "prompts", "--n", "2", "--json").stdout)
    assert len(data["items"]) == 2 and all(i["lesson_id"] == "prompts" for i in data["items"])
    assert all(i["options"][i["answer_index"]] == i["expected"] for i in data["items"])
    unknown = tutor_cli("quiz", "nope")
    assert unknown.returncode == 2 and "no lesson 'nope'" in unknown.stderr


def test_grade_says_correct_partial_or_incorrect(tutor_cli, monkeypatch):
    expected = "Les instructions, le contexte, les données d'entrée et la sortie."
    monkeypatch.setenv("TUTOR_LLM__FAKE_VERDICTS", "[0.9]")  # the model reads the same meaning
    right = json.loads(tutor_cli("grade", "--expected", expected, "--answer", "instructions, contexte, données d'entrée, "
                                 "sortie", "--json").stdout)
    monkeypatch.setenv("TUTOR_LLM__FAKE_VERDICTS", "[0.0]")  # the model reads another meaning
    vetoed = json.loads(tutor_cli("grade", "--expected", expected, "--answer", "instructions, contexte, données d'entrée, "
                                  "sortie", "--json").stdout)
    assert (vetoed["verdict"], vetoed["reason"]) == ("incorrect", "model")
    half = json.loads(tutor_cli("grade", "--expected", expected, "--answer", "instructions et contexte", "--json").stdout)
    wrong = tutor_cli("grade", "--expected", "Sur des milliers de milliards de mots.", "--answer",
                      "sur des milliers de mots")
    assert (right["verdict"], half["verdict"]) == ("correct", "partial")
    assert wrong.stdout.startswith("incorrect (quantity")
