"""Normalisation, dataset parsing and metrics on small hand-made cases, including ones that must fail."""

import json

import pytest

from tutor.evaluation.dataset import Case, DatasetError, load_dataset
from tutor.evaluation.metrics import aggregate, breakdown, evidence_rank, score_case
from tutor.evaluation.normalize import contains, normalize


def test_normalize_and_contains():
    assert normalize("L’IA  Générative, c'est « ÉNORME » !") == "l ia generative c est enorme"
    assert contains("Les données ÉTIQUETÉES.", "donnees etiquetees")
    assert contains("l'inférence", "l inference")
    assert not contains("Les données", "étiquetées")
    assert not contains("texte", "")


def write(tmp_path, lines):
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_dataset_loads_and_ignores_unknown_fields(tmp_path):
    path = write(tmp_path, [json.dumps({"id": "a", "question": "Q ?", "expect": "answer", "lang": "fr",
                                        "key_facts": [["x"]], "evidence": ["y"], "extra": 1}), ""])
    [case] = load_dataset(path)
    assert case.id == "a" and case.key_facts == [["x"]] and case.history == []


@pytest.mark.parametrize("line, message", [
    ("{not json", "not valid JSON"),
    ('{"id": "a", "question": "Q", "expect": "maybe", "lang": "fr"}', "'expect' must be"),
    ('{"id": "a", "question": "Q", "expect": "answer", "lang": "de"}', "'lang' must be"),
    ('{"id": "a", "question": "", "expect": "answer", "lang": "fr"}', "'question' must be"),
    ('{"id": "a", "question": "Q", "expect": "answer", "lang": "fr", "key_facts": ["x"]}', "'key_facts' must be"),
    ('{"id": "a", "question": "Q", "expect": "answer", "lang": "fr", "history": [{"role": "bot"}]}', "'history'"),
])
def test_malformed_lines_are_reported_with_their_number(tmp_path, line, message):
    ok = '{"id": "ok", "question": "Q", "expect": "refuse", "lang": "fr"}'
    with pytest.raises(DatasetError, match=rf"set.jsonl:2: .*{message}"):
        load_dataset(write(tmp_path, [ok, line]))


def result(answer, refused=False, citations=(), retrieved=None, language="fr"):
    retrieved = retrieved or [{"n": 1, "text": "Les LLM sont formés sur des milliers de milliards de mots."},
                              {"n": 2, "text": "Stable Diffusion génère des images."}]
    return {"answer": answer, "refused": refused, "citations": list(citations), "retrieved": retrieved,
            "language": language, "timings": {"total_ms": 100.0, "first_token_ms": 50.0}}


CASE = Case("c1", "Sur combien de mots ?", "answer", "fr", key_facts=[["milliers de milliards"], ["mots"]],
            evidence=["milliers de milliards"], lesson="llm", type="direct")


def test_a_correct_cited_answer_passes():
    row = score_case(CASE, result("Les LLM sont formés sur des milliers de milliards de mots [1].",
                                  citations=[{"n": 1, "text": "Les LLM sont formés sur des milliers de milliards."}]))
    assert (row["hit_at_1"], row["mrr"], row["fully_correct"], row["citation_validity"]) == (1.0, 1.0, 1.0, 1.0)
    assert row["citation_support"] == 1.0 and row["declined_correctly"] == 1.0 and row["passed"]


def test_missing_facts_wrong_citations_declines_and_language_fail():
    partial = score_case(CASE, result("Les LLM sont formés sur beaucoup de mots [1]."))
    assert partial["key_fact_recall"] == 0.5 and partial["fully_correct"] == 0.0 and not partial["passed"]
    assert partial["citation_validity"] == 0.0  # [1] in the text but not among the listed citations
    bad_number = score_case(CASE, result("Les LLM sont formés sur des milliers de milliards de mots [5].",
                                         citations=[{"n": 5, "text": "x"}]))
    assert bad_number["citation_validity"] == 0.0
    grouped = score_case(CASE, result("Les LLM sont formés sur des milliers de milliards de mots [1, 2].",
                                      citations=[{"n": 1, "text": "x"}]))
    assert grouped["citation_validity"] == 0.0  # [2], inside "[1, 2]", is not among the listed citations
    declined = score_case(CASE, result("Je ne trouve pas la réponse dans le cours.", refused=True))
    assert declined["declined_correctly"] == 0.0 and declined["fully_correct"] == 0.0
    english = score_case(CASE, result("Large language models are trained on milliers de milliards of words, "
                                      "which is a very large amount of text."))
    assert english["language"] == "en" and english["language_match"] == 0.0 and not english["passed"]
    off = Case("o1", "Une recette ?", "refuse", "fr")
    assert score_case(off, result("Voici une recette de crêpes bien française.", refused=False))["passed"] is False
    assert score_case(off, result("Je ne trouve pas la réponse dans le cours.", refused=True))["passed"] is True


def test_retrieval_rank_and_aggregates():
    retrieved = [{"text": "autre chose"}, {"text": "des milliers de milliards"}]
    assert evidence_rank(retrieved, ["Milliers de Milliards"]) == 2
    assert evidence_rank(retrieved, ["absent"]) == 0
    rows = [score_case(CASE, result("Les LLM sont formés sur des milliers de milliards de mots.",
                                    retrieved=[{"n": 1, "text": "x"}, {"n": 2, "text": "des milliers de milliards"}])),
            score_case(Case("o1", "Une recette ?", "refuse", "fr", lesson="", type="offcourse"),
                       result("Je ne trouve pas cette réponse dans le cours.", refused=True))]
    summary = aggregate(rows)
    assert summary["hit_at_1"] == 0.0 and summary["hit_at_k"] == 1.0 and summary["mrr"] == 0.5
    assert summary["in_course_answered"] == 1.0 and summary["off_course_declined"] == 1.0
    assert summary["latency_p50_ms"] == 100.0
    assert set(breakdown(rows, "type")) == {"direct", "offcourse"}
