"""What the decline decision measures of a question: its meaning words, however the learner writes the words
that only ask ("c koi", "ça veut dire quoi", "explique-moi")."""

import pytest

from tutor.engine.relevance import coverage, unknown_terms
from tutor.text import analyze, dictionary_forms, unglue

EXTRACT = ("L'ingénierie de prompt — Un bon prompt est clair, contextuel et bien structuré. Les grands modèles de "
           "langage (en anglais Large Language Models, LLM) sont formés sur des milliers de milliards de mots.")


@pytest.mark.parametrize("question, meaning", [
    ("c koi un prompt clair ?", ["prompt", "clair"]),
    ("ca veut dire koi un prompt clair ?", ["prompt", "clair"]),
    ("Que veut dire LLM ?", ["llm"]),
    ("explik moi les prompts stp", ["prompt"]),
    ("pk un prompt doit être clair ?", ["prompt", "doit", "etre", "clair"]),
    ("Quelle différence entre un prompt et une inférence ?", ["different", "prompt", "inferent"]),
    ("cest quoi un prompt quil faut ecrire", ["prompt", "faut", "ecrir"]),
])
def test_the_words_that_only_ask_are_not_meaning_words(question, meaning):
    assert analyze(question) == meaning


def test_a_question_written_as_in_a_chat_is_covered_by_its_meaning_words_alone():
    assert coverage("ça veut dire koi un prompt clair ?", [EXTRACT]) == 1.0
    assert coverage("LLM sa veut dire koi en anglai ?", [EXTRACT]) == 1.0  # "anglai": one letter from "anglais"
    assert unknown_terms("LLM sa veut dire koi ?", set(analyze(EXTRACT))) == []
    assert {"cout"} in unknown_terms("Combien coûte un prompt ?", set(analyze(EXTRACT)))  # the fact asked for


def test_a_conjugated_verb_is_found_through_its_dictionary_form():
    # The stemmer joins "modèles" and "modèle", not the forms of an irregular verb: "peut" is not "peuvent".
    extract = "Les grands modèles de langage peuvent résumer de longs documents en quelques phrases."
    assert coverage("Un grand modèle de langage peut-il résumer un document ?", [extract]) == 1.0
    assert coverage("Un modèle de base sait-il traduire ?", ["Les LLM savent traduire un texte."]) == 0.5  # not "modèle"
    assert dictionary_forms("il sait, elles savent, ils font")["sait"] == dictionary_forms("savent")["savent"]
    # A word the course does not have at all still is not found.
    assert coverage("Un modèle de langage peut-il chanter ?", [extract]) < 1.0


def test_a_word_shortened_as_in_a_chat_is_found_as_the_start_of_the_courses_word():
    extract = "La différence entre un prompt et une inférence : le prompt donne des informations au modèle."
    assert coverage("la diff entre prompt et inférence ? des infos stp", [extract]) == 1.0
    assert coverage("la dif entre prompt et inférence", [extract]) < 1.0  # three letters say too little


def test_elisions_typed_without_their_apostrophe_are_split_only_before_a_word_of_the_course():
    vocabulary = set(analyze(EXTRACT + " L'inférence est la réponse. L'extraction d'informations."))
    assert unglue("cest quoi linference", vocabulary) == "cest quoi l'inference"
    assert unglue("a quoi sert lextraction dinformations ?", vocabulary) == "a quoi sert l'extraction d'informations ?"
    # Words of the course, function words and words whose tail is no word of the course stay whole.
    for text in ("les langages", "dont les mots", "la lune", "un test", "le langage clair", "this data"):
        assert unglue(text, vocabulary) == text


def test_a_question_with_glued_elisions_is_searched_as_the_course_writes_them(indexed):
    from tutor.engine.tutor import Tutor

    llm = indexed.llm.model_copy(update={"provider": "fake"})
    retrieval = Tutor(indexed.model_copy(update={"llm": llm})).retriever.retrieve("cest quoi linference")
    assert retrieval.query == "cest quoi l'inference"
    assert "prompts" in {h.chunk.lesson_id for h in retrieval.hits}  # where the course defines l'inférence
