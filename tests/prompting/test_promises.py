"""Each technique's promise is checked by code, and a broken promise is repaired from the answer's own
sentences, citations kept."""

import json

import pytest

from tutor.engine.citations import course_sentences
from tutor.engine.formats import parse_json_answer
from tutor.prompting.promises import kept, repair, sentences

PLAIN = "Un prompt est une demande textuelle [1]. La réponse générée s'appelle une inférence [1]."


@pytest.mark.parametrize("promise, good", [
    ("short", PLAIN),
    ("list", "- Un prompt est une demande textuelle [1].\n- La réponse s'appelle une inférence [1]."),
    ("table", "| Élément | Explication |\n|---|---|\n| Prompt | Une demande textuelle [1] |\n| Inférence | La réponse [1] |"),
    ("json", '{"reponse": "Un prompt est une demande [1].", "points_cles": ["demande"]}'),
    ("steps", "Raisonnement :\n1. L'extrait définit le prompt [1].\n2. Il nomme la réponse [1].\n\nRéponse : Un prompt est une "
              "demande textuelle [1]."),
    ("check_question", PLAIN + "\n\nPeux-tu dire ce qu'est une inférence ?"),
])
def test_kept_promises_pass_and_plain_sentences_are_repaired_into_them(promise, good):
    assert kept(good, promise)
    if promise != "short":
        assert not kept(PLAIN, promise)
    fixed = repair(PLAIN, promise, "fr", "Prompt et inférence")
    assert kept(fixed, promise), fixed
    assert fixed.count("[1]") >= 1  # the citations travel with the sentences


def test_a_single_sentence_list_is_cut_at_its_enumeration():
    fixed = repair("Les techniques sont clarifier la demande, fournir des exemples et ajuster et réessayer [2].", "list", "fr")
    assert kept(fixed, "list") and fixed.count("\n") >= 1 and fixed.count("[2]") >= 2


def test_a_one_fact_answer_becomes_a_list_with_the_cited_extracts_next_sentence_never_an_invented_one():
    extract = ("Modèles de base — Définition\nUn modèle de base est un très grand modèle. Il est entraîné sur des "
               "données non étiquetées. On peut l'adapter à de nombreuses tâches :\n- résumer\n- traduire")
    course = course_sentences(extract, 1)
    assert course == ["Un modèle de base est un très grand modèle [1].",
                      "Il est entraîné sur des données non étiquetées [1]."]
    fixed = repair("Un modèle de base est un très grand modèle [1].", "list", "fr", course=course)
    assert kept(fixed, "list"), fixed
    assert fixed.splitlines() == ["- Un modèle de base est un très grand modèle [1].",
                                  "- Il est entraîné sur des données non étiquetées [1]."]
    assert not kept(repair("Un modèle de base est un très grand modèle [1].", "list", "fr"), "list")  # nothing to add


def test_broken_promises_are_seen():
    assert not kept("- une seule ligne [1]", "list")
    assert not kept("1. étape\n2. étape", "steps")  # no answer line
    assert not kept("| a | b |\n| c | d |", "table")  # no header rule
    assert not kept("Voici : {\"reponse\": 1}", "json")
    assert not kept(PLAIN, "check_question")
    assert parse_json_answer(repair(PLAIN, "json", "fr")) is not None
    assert json.loads(repair(PLAIN, "json", "fr").strip("`json\n"))["points_cles"]


def test_a_table_without_outer_pipes_or_with_its_header_repeated_is_rewritten_as_the_models_own_table():
    bare = ("Élément | Explication\n---|---\n1 | Un bon prompt est clair [1].\n"
            "Élément | Explication\n2 | Il donne le contexte utile [1].")
    assert not kept(bare, "table")
    shown = repair(bare, "table", "fr")
    assert kept(shown, "table") and shown.splitlines() == [
        "| Élément | Explication |", "| --- | --- |", "| 1 | Un bon prompt est clair [1]. |",
        "| 2 | Il donne le contexte utile [1]. |"]


def test_a_one_row_table_becomes_a_row_per_sentence_without_the_question_as_a_label():
    one = ("Élément | Explication\n---|---\nQu'est-ce qu'un prompt ? | Un prompt est une demande textuelle [1]. "
           "La réponse du **modèle** s'appelle une inférence [1].")
    shown = repair(one, "table", "fr")
    assert kept(shown, "table") and "Qu'est-ce" not in shown and shown.count("[1]") == 2
    assert "| Un prompt | Un prompt est une demande textuelle [1]. |" in shown
    assert all(row.count("**") % 2 == 0 for row in shown.splitlines())  # no bold cut in half


def test_a_one_row_table_gets_the_cited_extracts_next_sentence_and_empty_rows_are_left_out():
    one = "| Élément | Explication |\n| --- | --- |\n| Les LLM | Les LLM sont formés sur des milliers de milliards de mots [1]. |"
    course = ["Les LLM sont formés sur des milliers de milliards de mots [1].", "Ils génèrent du texte [1]."]
    shown = repair(one, "table", "fr", course=course)
    assert kept(shown, "table") and shown.splitlines()[-1] == "| Ils génèrent du texte | Ils génèrent du texte [1]. |"
    items = ("| Élément | Explication |\n| --- | --- |\n| Génération de texte | [2] |\n| Synthèse | [2] |\n"
             "| Qu'est-ce qu'un modèle de base ? |  |")
    shown = repair(items, "table", "fr")
    assert kept(shown, "table") and "Qu'est-ce" not in shown and shown.count("\n") == 3


def test_a_yes_is_not_an_item_of_its_own():
    answer = "Oui, les LLM font partie des modèles de base [1]."
    course = ["Les LLM sont un sous-ensemble des modèles de base [1]."]
    assert repair(answer, "list", "fr", course=course) == \
        "- Oui, les LLM font partie des modèles de base [1].\n- Les LLM sont un sous-ensemble des modèles de base [1]."


def test_a_quoted_sentence_ends_after_its_closing_mark_and_its_citation():
    # Cut to four sentences, the last quote keeps its closing mark and its citation (it was cut after its full stop).
    answer = ("Un prompt doit être contextuel [1]. « La clé est d'être clair et précis. » [3] Par exemple, un article [2]. "
              "Il faut des exemples [2]. « Ajustez le prompt et réessayez. » [1]")
    assert sentences(answer)[1] == "« La clé est d'être clair et précis. » [3]"
    assert repair(answer, "short", "fr") == answer.rsplit(" «", 1)[0]
    assert sentences("Le modèle fait 1.5 milliard de paramètres [2]. Fin.") == \
        ["Le modèle fait 1.5 milliard de paramètres [2].", "Fin."]
