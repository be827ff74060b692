"""`tutor ask --technique`, `tutor compare` and `tutor prompt-lab` as a learner runs them (fake model by env)."""

import json

from test_cli_ingest import tutor

ANSWER = "Un prompt est une demande textuelle donnée à un modèle de base [1]."


def test_ask_with_a_technique_then_an_unknown_one(kb, tmp_path, monkeypatch):
    monkeypatch.setenv("TUTOR_LLM__FAKE_RESPONSES", json.dumps([ANSWER]))
    assert tutor("ingest", str(kb), cwd=tmp_path).returncode == 0
    result = tutor("ask", "Qu'est-ce qu'un prompt ?", "--technique", "few-shot", "--json", cwd=tmp_path)
    data = json.loads(result.stdout)
    assert data["technique"] == "few-shot" and data["technique_note"].startswith("Technique : Avec exemples")
    assert [p["label"] for p in data["prompt"]["parts"]] == ["Instructions", "Contexte", "Données d'entrée", "Sortie"]
    plain = tutor("ask", "Qu'est-ce qu'un prompt ?", "--technique", "cot", cwd=tmp_path)
    assert "Technique : Raisonnement étape par étape" in plain.stdout
    wrong = tutor("ask", "Qu'est-ce qu'un prompt ?", "--technique", "telepathie", cwd=tmp_path)
    assert wrong.returncode == 2 and "Techniques disponibles" in wrong.stderr and "`few-shot`" in wrong.stderr


def test_compare_prints_both_answers_and_the_parts_that_differ(kb, tmp_path, monkeypatch):
    monkeypatch.setenv("TUTOR_LLM__FAKE_RESPONSES", json.dumps([ANSWER, "- " + ANSWER]))
    assert tutor("ingest", str(kb), cwd=tmp_path).returncode == 0
    result = tutor("compare", "zero-shot", "format-list", "Qu'est-ce qu'un prompt ?", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "=== zero-shot" in result.stdout and "=== format-list" in result.stdout
    assert "Parties du prompt qui diffèrent : Sortie" in result.stdout
    both = json.loads(tutor("compare", "role", "json", "Qu'est-ce qu'un prompt ?", "--json", cwd=tmp_path).stdout)
    assert [r["technique"] for r in both] == ["role", "format-json"]


def test_prompt_lab_json_and_text(tmp_path, monkeypatch):
    review = "Critique : Trop vague.\nPrompt amélioré : Parle des modèles."
    monkeypatch.setenv("TUTOR_LLM__FAKE_RESPONSES", json.dumps([review, "Réponse A.", "Réponse B."]))
    result = tutor("prompt-lab", "Dis moi des trucs sur les LLM", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["rubric"]["score"] == 1 and data["kind"] == "text" and data["critique"] == "Trop vague."
    assert data["improved_by"] == "template" and data["improved_rubric"]["score"] == 7
    assert data["answers"] == {"original": "Réponse A.", "improved": "Réponse B."}
    text = tutor("prompt-lab", "Génère une image d'un phare", cwd=tmp_path)
    assert "Score de la grille : 1/5" in text.stdout and "TUTOR_IMAGE__PROVIDER=bedrock" in text.stdout
    empty = tutor("prompt-lab", "   ", cwd=tmp_path)
    assert empty.returncode == 2 and "vide" in empty.stderr
