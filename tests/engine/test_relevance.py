"""What the decline decision measures of a question: its meaning words, however the learner writes the words
that only ask ("c koi", "ça veut dire quoi", "explique-moi")."""

import pytest

from tutor.engine.relevance import coverage, unknown_terms
from tutor.text import analyze

EXTRACT = ("L'ingénierie de prompt — Un bon prompt est clair, contextuel et bien structuré. Les grands modèles de "
           "langage (en anglais Large Language Models, LLM) sont formés sur des milliers de milliards de mots.")


@pytest.mark.parametrize("question, meaning", [
    ("c koi un prompt clair ?", ["prompt", "clair"]),
    ("ca veut dire koi un prompt clair ?", ["prompt", "clair"]),
    ("Que veut dire LLM ?", ["llm"]),
    ("explik moi les prompts stp", ["prompt"]),
    ("pk un prompt doit être clair ?", ["prompt", "doit", "etre", "clair"]),
    ("Quelle différence entre un prompt et une inférence ?", ["different", "prompt", "inferent"]),
])
def test_the_words_that_only_ask_are_not_meaning_words(question, meaning):
    assert analyze(question) == meaning


def test_a_question_written_as_in_a_chat_is_covered_by_its_meaning_words_alone():
    assert coverage("ça veut dire koi un prompt clair ?", [EXTRACT]) == 1.0
    assert coverage("LLM sa veut dire koi en anglai ?", [EXTRACT]) == 1.0  # "anglai": one letter from "anglais"
    assert unknown_terms("LLM sa veut dire koi ?", set(analyze(EXTRACT))) == []
    assert {"cout"} in unknown_terms("Combien coûte un prompt ?", set(analyze(EXTRACT)))  # the fact asked for
